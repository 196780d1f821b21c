from django.urls import path

from problems import views, views_campaigns, views_stats

app_name = "problems"
urlpatterns = [
    path("", views.problem_list, name="list"),
    path("export.xlsx", views.problem_export, name="export"),
    path("new/", views.problem_register, name="register"),
    path("new/duplicates/", views.problem_duplicates, name="duplicates"),
    path("import/", views.problem_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("stats/", views_stats.stats_page, name="stats"),
    path("stats/<str:kind>.json", views_stats.stats_chart, name="stats_chart"),
    path("stats/<str:kind>.xlsx", views_stats.stats_xlsx, name="stats_xlsx"),
    path("campaigns/", views_campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", views_campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views_campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/measures/", views_campaigns.measure_create, name="measure_create"),
    path(
        "campaigns/<int:pk>/measures/<int:measure>/delete/",
        views_campaigns.measure_delete,
        name="measure_delete",
    ),
    path("campaigns/<int:pk>/report.docx", views_campaigns.campaign_report, name="campaign_report"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.problem_act, name="act"),
    path("<int:pk>/supervise/", views.problem_supervise, name="supervise"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/extension/<int:ext>/decide/", views.extension_decide, name="extension_decide"),
]
