"""/api/v1: each app that has an `api.py` with `register(router)` adds its resources."""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """Object ids are integers: a viewset that looks objects up by pk and names no pattern
    of its own takes digits only, so `/api/v1/orgs/false/` is a 404, never a 500 from
    `int()` or the ORM (found by api/tests/test_fuzz_schema.py). A viewset whose objects
    have another key (a code) states its `lookup_value_regex`."""

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        lookup_field = getattr(viewset, "lookup_field", "pk")
        if hasattr(viewset, "lookup_value_regex") or lookup_field not in ("pk", "id"):
            return super().get_lookup_regex(viewset, lookup_prefix)
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        return f"(?P<{lookup_prefix}{kwarg}>[0-9]+)"


router = Router()
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
