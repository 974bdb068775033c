from django.urls import path

from hrmonitor.index import views

app_name = "index"
urlpatterns = [
    # Public
    path("", views.ranking, name="ranking"),
    path("compare/", views.compare, name="compare"),
    path("editions/<int:pk>/", views.edition_ranking, name="edition"),
    path("editions/<int:pk>/country/<str:iso2>/", views.country, name="country"),
    path("editions/<int:pk>/methodology/", views.methodology, name="methodology"),
    path("editions/<int:pk>/<str:stage>.<str:fmt>", views.download, name="download"),
    # The Secretariat
    path("manage/", views.manage, name="manage"),
    path("manage/definitions/new/", views.definition_new, name="definition_new"),
    path("manage/definitions/<int:pk>/", views.definition_detail, name="definition"),
    path("manage/editions/<int:pk>/", views.workspace, name="workspace"),
    path("manage/editions/<int:pk>/details/", views.edition_details, name="edition_details"),
    path("manage/editions/<int:pk>/desk/<str:code>/", views.desk, name="desk"),
    path("manage/editions/<int:pk>/responses/new/", views.response_new, name="response_new"),
    path(
        "manage/editions/<int:pk>/responses/<int:response_pk>/delete/",
        views.response_delete,
        name="response_delete",
    ),
    path("manage/editions/<int:pk>/compute/", views.compute, name="compute"),
    path("manage/editions/<int:pk>/uncertainty/", views.uncertainty, name="uncertainty"),
    path("manage/editions/<int:pk>/publish/", views.publish, name="publish"),
]
