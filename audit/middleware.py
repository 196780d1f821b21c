from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import Origin, current_origin


def client_ip(request: HttpRequest) -> str:
    # Behind a trusted proxy REMOTE_ADDR is set by it (e.g. via the server's
    # proxy protocol); X-Forwarded-For is client-controlled and not trusted here.
    return request.META.get("REMOTE_ADDR", "")


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
