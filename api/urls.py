"""/api/v1: each app that has an `api.py` with `register(router)` adds its resources."""

from importlib import import_module

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
extra_urls: list = []
for config in apps.get_app_configs():
    try:
        module = import_module(f"{config.name}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{config.name}.api":
            raise
        continue
    if hasattr(module, "register"):
        module.register(router)
    extra_urls.extend(getattr(module, "urlpatterns", []))

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="openapi"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="openapi"), name="redoc"),
    *extra_urls,
    path("", include(router.urls)),
]
