from django.urls import path

from provincial import views, views_tasks

app_name = "provincial"
urlpatterns = [
    path("", views.home, name="home"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/import/", views.framework_import, name="framework_import"),
    path("frameworks/template.xlsx", views.framework_template, name="framework_template"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/gaps/", views.framework_gaps, name="framework_gaps"),
    path("frameworks/<int:pk>/edit/", views.framework_edit, name="framework_edit"),
    path("frameworks/<int:pk>/delete/", views.framework_delete, name="framework_delete"),
    path("frameworks/<int:pk>/export.xlsx", views.framework_export, name="framework_export"),
    path("frameworks/<int:pk>/package/", views.framework_package, name="framework_package"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("tasks/", views_tasks.task_list, name="task_list"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/report/", views_tasks.task_report, name="task_report"),
    path("tasks/<int:pk>/evidence/", views_tasks.task_evidence_add, name="task_evidence_add"),
    path(
        "tasks/<int:pk>/evidence/<uuid:attachment>/remove/",
        views_tasks.task_evidence_remove,
        name="task_evidence_remove",
    ),
    path("tasks/<int:pk>/submit/", views_tasks.task_submit, name="task_submit"),
    path("tasks/<int:pk>/accept/", views_tasks.task_accept, name="task_accept"),
    path("tasks/<int:pk>/return/", views_tasks.task_return, name="task_return"),
    path("tasks/<int:pk>/edit/", views_tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views_tasks.task_delete, name="task_delete"),
    path("results/", views.result_list, name="result_list"),
    path("results/export.xlsx", views.result_export, name="result_export"),
]
