from django.urls import path

from hrmonitor.framework import views

app_name = "framework"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("objectives/<str:code>/", views.objective_detail, name="objective"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("indicators/<str:code>/targets/", views.targets, name="targets"),
    path("indicators/<str:code>/targets/save/", views.target_save, name="target_save"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.<str:fmt>", views.export_dashboard, name="export_dashboard"),
    path("values.<str:fmt>", views.export_values, name="export_values"),
    path("dhis2/dataValueSets.json", views.export_dhis2, name="export_dhis2"),
    path("lineage/", views.lineage, name="lineage"),
    path("iptt/", views.iptt, name="iptt"),
    path("iptt/parts/", views.iptt_parts, name="iptt_parts"),
    path("iptt.<str:fmt>", views.export_iptt, name="export_iptt"),
    path("entry/", views.entry_start, name="entry_start"),
    path("entry/<str:place>/<str:period>/", views.entry, name="entry"),
    path("entry/<str:place>/<str:period>/save/", views.entry_save, name="entry_save"),
    path("entry/<str:place>/<str:period>/submit/", views.entry_submit, name="entry_submit"),
    path("values/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("import/", views.import_start, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_decide, name="review_decide"),
]
