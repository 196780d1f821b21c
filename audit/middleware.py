from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from audit.context import Origin, current_origin
from fazhi.lib.clientip import client_address


def client_ip(request: HttpRequest) -> str:
    """The client's address: X-Forwarded-For only as far as FAZHI_TRUSTED_PROXIES
    vouch for it. Also django-axes' AXES_CLIENT_IP_CALLABLE, so the lock-out and
    the audit log see the same address."""
    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXIES,
    )


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_origin.set(
            Origin(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:255])
        )
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
