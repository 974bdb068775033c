from django.urls import URLPattern

app_name = "policy"
urlpatterns: list[URLPattern] = []  # the policy and funding pages are added here
