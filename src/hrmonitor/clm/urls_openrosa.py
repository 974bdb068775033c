"""OpenRosa URLs, mounted at /openrosa/ (see views_openrosa)."""

from django.urls import include, path

from hrmonitor.clm import views_openrosa as views

project_patterns = [
    path("formList", views.form_list, name="form_list"),
    path("forms/<str:xml_form_id>.xml", views.form_download, name="form_download"),
    path("forms/<str:xml_form_id>/manifest", views.form_manifest, name="form_manifest"),
    path("forms/<str:xml_form_id>/attachments/<str:name>", views.form_media, name="form_media"),
    path("submission", views.submission, name="submission"),
]

app_name = "openrosa"
urlpatterns = [
    path("projects/<int:project_id>/", include(project_patterns)),
    path("key/<str:token>/projects/<int:project_id>/", include((project_patterns, "key"))),
]
