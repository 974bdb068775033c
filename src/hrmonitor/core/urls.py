from django.urls import path

from hrmonitor.core import views

app_name = "core"
urlpatterns = [
    path("map/ceeca.geojson", views.map_geojson, name="map_geojson"),
    path("language/", views.set_language, name="set_language"),
    path("account/", views.account, name="account"),
    path("account/tokens/", views.api_token_create, name="token_create"),
    path("account/tokens/<int:pk>/revoke/", views.api_token_revoke, name="token_revoke"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/result/", views.job_result, name="job_result"),
    path("manage/", views.manage, name="manage"),
    path("manage/reference-data/reload/", views.reference_reload, name="reference_reload"),
    path("audit/", views.audit, name="audit"),
]
