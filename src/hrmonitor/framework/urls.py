from django.urls import path

from hrmonitor.framework import views

app_name = "framework"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("objectives/<str:code>/", views.objective_detail, name="objective"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
]
