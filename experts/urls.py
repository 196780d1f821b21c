from django.urls import path

from experts import views, views_draws

app_name = "experts"
urlpatterns = [
    path("", views.home, name="home"),
    path("pool/", views.expert_list, name="expert_list"),
    path("pool/export.xlsx", views.expert_export, name="expert_export"),
    path("pool/new/", views.expert_create, name="expert_create"),
    path("pool/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("pool/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("pool/<int:pk>/conflicts/", views.conflict_add, name="conflict_add"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/conflicts/", views.my_conflict_add, name="my_conflict_add"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("assignments/<int:pk>/decline/", views.assignment_decline, name="assignment_decline"),
    path("assignments/<int:pk>/evaluate/", views.assignment_evaluate, name="assignment_evaluate"),
    path("draws/", views_draws.draw_list, name="draw_list"),
    path("draws/new/", views_draws.draw_create, name="draw_create"),
    path("draws/new/preview/", views_draws.draw_preview, name="draw_preview"),
    path("draws/<int:pk>/", views_draws.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/record.json", views_draws.draw_record, name="draw_record"),
    path("draws/<int:pk>/execute/", views_draws.draw_execute, name="draw_execute"),
    path("draws/<int:pk>/cancel/", views_draws.draw_cancel, name="draw_cancel"),
]
