"""Lock-out hooks for django-axes, driven by the editable security policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import SecurityPolicy


def failure_limit(request: HttpRequest | None, credentials: Any) -> int:
    return SecurityPolicy.current().failure_limit


def cooloff_time(request: HttpRequest | None = None) -> timedelta:
    return timedelta(minutes=SecurityPolicy.current().lockout_minutes)


def lockout_message(minutes: int) -> str:
    return f"登录失败次数过多，账号已被临时锁定。请在 {minutes} 分钟后再试，或联系安全管理员解锁。"


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    minutes = SecurityPolicy.current().lockout_minutes
    message = lockout_message(minutes)
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse(
            {"error": {"code": "locked_out", "message": message, "retry_after_minutes": minutes}}, status=429
        )
    from accounts.forms import LoginForm

    return render(
        request,
        "accounts/login.html",
        {"form": LoginForm(request), "locked_message": message, "title": "登录"},
        status=429,
    )
