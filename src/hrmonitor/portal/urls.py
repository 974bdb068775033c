from django.urls import path

from hrmonitor.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.countries, name="countries"),
    path("countries/<str:iso2>/", views.country, name="country"),
]
