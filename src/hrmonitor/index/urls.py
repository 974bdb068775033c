from django.urls import URLPattern

app_name = "index"
urlpatterns: list[URLPattern] = []  # the index pages are added here
