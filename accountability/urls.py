from django.urls import path

from accountability import views, views_figures, views_inspections

app_name = "accountability"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/write/", views.report_write, name="report_write"),
    path("mine/", views.my_reports, name="my_reports"),
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/rate/", views.report_rate, name="report_rate"),
    path("inspections/", views_inspections.plan_list, name="plan_list"),
    path("inspections/new/", views_inspections.plan_create, name="plan_create"),
    path("inspections/<int:pk>/", views_inspections.plan_detail, name="plan_detail"),
    path("inspections/<int:pk>/records/", views_inspections.record_create, name="record_create"),
    path("inspections/<int:pk>/findings/", views_inspections.finding_create, name="finding_create"),
    path("inspections/<int:pk>/delete/", views_inspections.plan_delete, name="plan_delete"),
    path("inspections/records/<int:pk>/delete/", views_inspections.record_delete, name="record_delete"),
    path("actions/", views_inspections.action_list, name="action_list"),
    path("actions/propose/", views_inspections.actions_propose, name="actions_propose"),
    path("actions/<int:pk>/decide/", views_inspections.action_decide, name="action_decide"),
    path("actions/<int:pk>/follow-up/", views_inspections.action_follow_up, name="action_follow_up"),
    path("indicator-figures/", views_figures.indicator_figures, name="indicator_figures"),
    path(
        "indicator-figures/<int:pk>/unlink/",
        views_figures.indicator_figure_unlink,
        name="indicator_figure_unlink",
    ),
    path("dossiers/me/", views.my_dossier, name="my_dossier"),
    path("dossiers/leaders/<int:pk>/<int:year>/", views.leader_dossier, name="leader_dossier"),
    path("dossiers/orgs/<int:pk>/<int:year>/", views.org_dossier, name="org_dossier"),
]
