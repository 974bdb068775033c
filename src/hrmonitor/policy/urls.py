from django.urls import path

from hrmonitor.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.regional, name="regional"),
    path("countries/<str:iso2>/", views.country, name="country"),
    path("record/", views.record, name="record"),
    path("statuses/<int:pk>/verify/", views.verify, name="verify"),
    path("statuses/<int:pk>/evidence/", views.evidence_file, name="evidence_file"),
    path("changes/", views.changes, name="changes"),
    path("changes.<str:fmt>", views.changes_export, name="changes_export"),
]
