from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts import security

LAST_SEEN = "fazhi_last_seen"


def session_started(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """user_logged_in: a session starts its idle clock at log-in, on the server."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN] = time.time()


def _idle_too_long(session: SessionBase, user: Any) -> bool:
    """Measured from the timestamp kept in the server-side session, never from the
    cookie (whose age the client controls). A session without one is not trusted."""
    try:
        last_seen = float(session[LAST_SEEN])
    except (KeyError, TypeError, ValueError):
        return True
    return time.time() - last_seen > security.policy_for(user).session_timeout_minutes * 60


class IdleTimeoutMiddleware:
    """Logs a session out after the policy's idle time, for pages and for the API
    called with a session alike (token API calls are not sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and _idle_too_long(request.session, request.user):
            logout(request)
            if not request.path.startswith("/api/"):
                messages.info(request, "长时间未操作，已自动退出登录，请重新登录。")
                return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            # Refresh at most once a minute so reads do not each write the session.
            if now - float(request.session.get(LAST_SEEN, 0)) > 60:
                request.session[LAST_SEEN] = now
        return response


class LoginGateMiddleware:
    """A logged-in user who must first change its password (reset by an admin, or
    expired) or enrol a TOTP device (an admin under the policy) reaches only that page
    and log-out: every other page redirects there, the API answers 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            gate = security.login_gate(request.user)
            if gate is not None and not self._allowed(request.path, gate):
                return self._refuse(request, gate)
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str, gate: security.Gate) -> bool:
        return path in (reverse(gate.url_name), reverse("accounts:logout")) or path.startswith(
            settings.STATIC_URL
        )

    @staticmethod
    def _refuse(request: HttpRequest, gate: security.Gate) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"code": gate.code, "message": gate.message}}, status=403)
        messages.warning(request, gate.message)
        url = reverse(gate.url_name)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
