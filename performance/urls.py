from django.urls import path

from performance import views

app_name = "performance"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("import/", views.project_import_new, name="project_import_new"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/table/", views.table_save, name="table_save"),
    path("<int:pk>/table/preview/", views.table_preview, name="table_preview"),
    path("<int:pk>/import/", views.project_import, name="project_import"),
    path("<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("<int:pk>/reopen/", views.project_reopen, name="project_reopen"),
    path("<int:pk>/delete/", views.project_delete, name="project_delete"),
]
