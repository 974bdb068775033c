from django.urls import path

from hrmonitor.policy import views, views_funding, views_import

app_name = "policy"
urlpatterns = [
    path("", views.regional, name="regional"),
    path("countries/<str:iso2>/", views.country, name="country"),
    path("record/", views.record, name="record"),
    path("statuses/<int:pk>/verify/", views.verify, name="verify"),
    path("statuses/<int:pk>/evidence/", views.evidence_file, name="evidence_file"),
    path("changes/", views.changes, name="changes"),
    path("changes.<str:fmt>", views.changes_export, name="changes_export"),
    path("statuses.<str:fmt>", views.statuses_export, name="statuses_export"),
    path("changes/report/", views.change_report, name="change_report"),
    path("import/", views_import.import_page, name="import"),
    path(
        "import/templates/<str:kind>.<str:fmt>",
        views_import.import_template,
        name="import_template",
    ),
    path("funding/", views_funding.funding, name="funding"),
    path("funding.<str:fmt>", views_funding.funding_export, name="funding_export"),
    path(
        "funding/records.<str:fmt>",
        views_funding.funding_records_export,
        name="funding_records_export",
    ),
    path("funding/record/", views_funding.funding_record, name="funding_record"),
    path("funding/rates/", views_funding.rates, name="rates"),
]
