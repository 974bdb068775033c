from django.urls import path

from hrmonitor.rights import views_cases, views_stats

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
    # Statistics: public (suppressed) and the access log for those who audit it.
    path("statistics/", views_stats.statistics, name="statistics"),
    path("statistics.<str:fmt>", views_stats.statistics_export, name="statistics_export"),
    path("access-log/", views_stats.access_log, name="access_log"),
]
