"""Pages of community-led monitoring, mounted at /clm/. The OpenRosa server is in
urls_openrosa (mounted at /openrosa/)."""

from django.urls import path

from hrmonitor.clm import (
    views,
    views_efficiency,
    views_scorecards,
    views_sites,
    views_submissions,
    views_webform,
)

app_name = "clm"
urlpatterns = [
    path("", views.home, name="home"),
    # Projects and monitors' access
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_edit, name="project_new"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/app-users/new/", views.app_user_new, name="app_user_new"),
    path("app-users/<int:pk>/revoke/", views.app_user_revoke, name="app_user_revoke"),
    # Forms
    path("forms/", views.forms, name="forms"),
    path("forms/upload/", views.form_upload, name="form_upload"),
    path("forms/<int:pk>/", views.form, name="form"),
    path("forms/<int:pk>/upload/", views.form_upload, name="form_upload_version"),
    path("forms/<int:pk>/settings/", views.form_settings, name="form_settings"),
    path("forms/<int:pk>/scoring/", views.form_scoring, name="form_scoring"),
    path("forms/<int:pk>/media/", views.form_media_upload, name="form_media_upload"),
    path("form-versions/<int:pk>/<str:kind>/", views.form_version_file, name="form_version_file"),
    # The web form (fill in the browser, offline)
    path("forms/<int:pk>/fill/<int:project_id>/", views_webform.webform, name="webform"),
    path("webform-sw.js", views_webform.webform_sw, name="webform_sw"),
    # Service sites
    path("sites/", views_sites.sites, name="sites"),
    path("sites/new/", views_sites.site_edit, name="site_new"),
    path("sites/import/", views_sites.sites_import, name="sites_import"),
    path("sites/export.<str:fmt>", views_sites.sites_export, name="sites_export"),
    path("sites/<int:pk>/", views_sites.site, name="site"),
    path("sites/<int:pk>/edit/", views_sites.site_edit, name="site_edit"),
    # Submissions
    path("submissions/", views_submissions.submissions, name="submissions"),
    path(
        "submissions/export.<str:fmt>",
        views_submissions.submissions_export,
        name="submissions_export",
    ),
    path("submissions/<int:pk>/", views_submissions.submission, name="submission"),
    path(
        "submissions/<int:pk>/review/",
        views_submissions.submission_review,
        name="submission_review",
    ),
    path(
        "submissions/<int:pk>/correct/",
        views_submissions.submission_correct,
        name="submission_correct",
    ),
    path("submissions/<int:pk>/raw.xml", views_submissions.submission_raw, name="submission_raw"),
    path(
        "submissions/<int:pk>/files/<str:name>",
        views_submissions.submission_attachment,
        name="submission_attachment",
    ),
    # Scorecards and escalations
    path("scorecards/", views_scorecards.scorecards, name="scorecards"),
    path("scorecards/sites/<int:pk>/", views_scorecards.site_scorecard, name="site_scorecard"),
    path(
        "scorecards/countries/<str:iso2>/",
        views_scorecards.country_scorecard,
        name="country_scorecard",
    ),
    path("escalations/", views_scorecards.escalations, name="escalations"),
    path("escalations/new/", views_scorecards.escalation_edit, name="escalation_new"),
    path("escalations/<int:pk>/", views_scorecards.escalation_edit, name="escalation_edit"),
    # Efficiency assessment
    path("efficiency/", views_efficiency.efficiency, name="efficiency"),
    path("efficiency/records/new/", views_efficiency.delivery_edit, name="delivery_new"),
    path("efficiency/records/<int:pk>/", views_efficiency.delivery_edit, name="delivery_edit"),
    path("efficiency/import/", views_efficiency.deliveries_import, name="deliveries_import"),
    path("efficiency/report/", views_efficiency.efficiency_report, name="efficiency_report"),
]
