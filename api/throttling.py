"""API rate limits: per address for anonymous calls, per user otherwise, and a stricter
per-user scope for the writes a view names with `throttle_scope` (e.g. creating an API
token). Rates live in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] and are read when a
throttle is made, so a changed setting (or a test's override) takes effect at once.

A throttled call gets 429 with Retry-After and the structured error (api/errors.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from audit.middleware import client_ip

if TYPE_CHECKING:  # rest_framework.views imports this module through the settings
    from rest_framework.request import Request
    from rest_framework.views import APIView

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _Throttle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[str(self.scope)]  # type: ignore[return-value]
        except KeyError:
            raise ImproperlyConfigured(
                f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'] 缺少 {self.scope!r}"
            ) from None

    def get_ident(self, request: Request) -> str:
        # DRF's default trusts X-Forwarded-For, which any client can set to get a fresh
        # allowance per request; the audit log's client address is the one to count.
        return client_ip(request._request) or "unknown"


class AnonThrottle(_Throttle):
    scope = "anon"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserThrottle(_Throttle):
    scope = "user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.user and request.user.is_authenticated:
            ident: Any = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ScopedWriteThrottle(_Throttle):
    """The view's own `throttle_scope`, counted per user (or address) on writes only."""

    def __init__(self) -> None:
        pass  # the rate depends on the view: set in allow_request

    def allow_request(self, request: Request, view: APIView) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if not scope or request.method in SAFE_METHODS:
            return True
        self.scope = scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        user = request.user
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
