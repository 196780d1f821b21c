from django.urls import path

from workbench import views
from workbench.cockpit import views as cockpit

app_name = "workbench"
urlpatterns = [
    path("", views.home, name="home"),
    path("cockpit/<slug:panel>/<slug:chart>.json", cockpit.cockpit_chart, name="cockpit_chart"),
    path("cockpit/<slug:panel>.xlsx", cockpit.cockpit_export, name="cockpit_export"),
    path("healthz", views.health, name="health"),
]
