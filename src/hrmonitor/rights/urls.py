from django.urls import path

from hrmonitor.rights import views_cases, views_reports, views_stats, views_stories

app_name = "rights"
urlpatterns = [
    # Case work (case roles only; every access logged).
    path("cases/", views_cases.case_list, name="cases"),
    path("cases/new/", views_cases.case_new, name="case_new"),
    path("cases/reminders/", views_cases.reminders, name="reminders"),
    path("cases/<str:reference>/", views_cases.case_detail, name="case"),
    path("cases/<str:reference>/edit/", views_cases.case_edit, name="case_edit"),
    path("cases/<str:reference>/acts/", views_cases.act_add, name="act_add"),
    path("cases/<str:reference>/analysis/", views_cases.analysis, name="analysis"),
    path("cases/<str:reference>/responses/", views_cases.response_add, name="response_add"),
    path(
        "cases/<str:reference>/responses/<uuid:pk>/",
        views_cases.response_edit,
        name="response_edit",
    ),
    path("cases/<str:reference>/close/", views_cases.case_close, name="case_close"),
    path("cases/<str:reference>/consents/", views_cases.consent_withdraw, name="consent_withdraw"),
    path("cases/<str:reference>/files/", views_cases.file_add, name="file_add"),
    path("files/<uuid:pk>/", views_cases.file_download, name="file_download"),
    # Anonymised stories of typical cases: written and reviewed in the case's world
    # (login, no-store); the published ones are public.
    path("cases/<str:reference>/stories/", views_stories.case_stories, name="case_stories"),
    path("cases/<str:reference>/stories/new/", views_stories.story_new, name="story_new"),
    path("cases/<str:reference>/stories/<uuid:pk>/", views_stories.story_detail, name="story"),
    path(
        "cases/<str:reference>/stories/<uuid:pk>/submit/",
        views_stories.story_submit,
        name="story_submit",
    ),
    path(
        "cases/<str:reference>/stories/<uuid:pk>/review/",
        views_stories.story_review,
        name="story_review",
    ),
    path(
        "cases/<str:reference>/stories/<uuid:pk>/publish/",
        views_stories.story_publish,
        name="story_publish",
    ),
    path(
        "cases/<str:reference>/stories/<uuid:pk>/withdraw/",
        views_stories.story_withdraw,
        name="story_withdraw",
    ),
    path("stories/", views_stories.public_stories, name="public_stories"),
    path("stories/<uuid:pk>/", views_stories.public_story, name="public_story"),
    # Statistics: public (suppressed) and the access log for those who audit it.
    path("statistics/", views_stats.statistics, name="statistics"),
    path("statistics.<str:fmt>", views_stats.statistics_export, name="statistics_export"),
    path("access-log/", views_stats.access_log, name="access_log"),
    # The findings report (a job, for publication), and cases in and out of files.
    path("findings/", views_reports.findings, name="findings"),
    path("import/", views_reports.import_cases, name="import_cases"),
    path("cases.<str:fmt>", views_reports.export_cases, name="export_cases"),
]
