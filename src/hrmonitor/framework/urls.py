from django.urls import path

from hrmonitor.framework import views

app_name = "framework"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("objectives/<str:code>/", views.objective_detail, name="objective"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("lineage/", views.lineage, name="lineage"),
    path("entry/", views.entry_start, name="entry_start"),
    path("entry/<str:place>/<str:period>/", views.entry, name="entry"),
    path("entry/<str:place>/<str:period>/save/", views.entry_save, name="entry_save"),
    path("entry/<str:place>/<str:period>/submit/", views.entry_submit, name="entry_submit"),
    path("values/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_decide, name="review_decide"),
]
