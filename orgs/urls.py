from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("export.xlsx", views.org_export, name="export"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
]
