from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from accounts.models import SecurityPolicy

LAST_SEEN = "fazhi_last_seen"


class IdleTimeoutMiddleware:
    """Logs a session out after the policy's idle time (token API calls are not sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and LAST_SEEN in request.session:
            idle = time.time() - float(request.session[LAST_SEEN])
            if idle > SecurityPolicy.current().session_timeout_minutes * 60:
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
