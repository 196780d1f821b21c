from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/result/", views.job_result, name="result"),
    path("import/users/", views.user_import_start, name="user_import"),
    path("import/users/template.xlsx", views.user_import_template, name="user_import_template"),
]
