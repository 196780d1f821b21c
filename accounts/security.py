"""Log-in security driven by the editable policy: lock-out hooks for django-axes, the
per-address throttle, and the gates a logged-in user must pass first."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import SecurityPolicy
from fazhi.lib.memo import per_user


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


# -- per-address throttle ---------------------------------------------------------------


def client_address(request: HttpRequest) -> str | None:
    """The address as django-axes records it in its failure log."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def address_wait_seconds(request: HttpRequest, *, now: datetime | None = None) -> int:
    """Seconds this address must wait before trying to log in again, 0 when it may.

    Per account, django-axes locks after a few failures. A spray of one password over
    many accounts never trips that, so failures from one address are also counted,
    whatever the username: at the policy's limit within its window the address is
    refused until the oldest of those failures leaves the window. Refused attempts are
    not recorded, so the wait is the remainder of the window, not an ever-growing one.
    """
    from axes.models import AccessFailureLog

    address = client_address(request)
    if not address:
        return 0
    policy = SecurityPolicy.current()
    now = now or timezone.now()
    window = timedelta(minutes=policy.address_window_minutes)
    recent = list(
        AccessFailureLog.objects.filter(ip_address=address, attempt_time__gt=now - window)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[: policy.address_failure_limit]
    )
    if len(recent) < policy.address_failure_limit:
        return 0
    return max(1, math.ceil((recent[-1] + window - now).total_seconds()))


def address_throttled_message(seconds: int) -> str:
    return f"该地址登录失败次数过多，请稍后再试（约 {math.ceil(seconds / 60)} 分钟后）。"


def address_throttled_response(request: HttpRequest, seconds: int) -> HttpResponse:
    from accounts.forms import LoginForm

    response = render(
        request,
        "accounts/login.html",
        {"form": LoginForm(request), "locked_message": address_throttled_message(seconds), "title": "登录"},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


# -- failures outside the password form (TOTP step, re-authentication) ------------------


def login_failure_counted(request: HttpRequest, *, username: str) -> None:
    """Count a failed second factor or re-entered password toward the account's lock-out.

    django-axes counts what Django's `user_login_failed` signal reports; sending it
    here puts a wrong TOTP code in the same tally as a wrong password.
    """
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def account_locked(request: HttpRequest, *, username: str) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return not AxesProxyHandler.is_allowed(request, {"username": username})


# -- what a logged-in user must do before anything else ---------------------------------


@dataclass(frozen=True)
class Gate:
    code: str
    message: str
    url_name: str


PASSWORD_CHANGE_GATE = Gate(
    "password_change_required",
    "请先修改密码：管理员重置的密码或已过期的密码须修改后才能继续使用系统。",
    "accounts:password_change",
)
TOTP_GATE = Gate(
    "totp_required",
    "安全策略要求三员账号启用双因素认证，请先完成设置后再继续。",
    "accounts:totp_setup",
)


def password_expired(user: Any, policy: SecurityPolicy, *, now: datetime | None = None) -> bool:
    """A password ages from its last change (or, never changed, from the account's creation)."""
    if policy.password_max_age_days == 0 or not user.has_usable_password():
        return False
    since = user.password_changed_at or user.date_joined
    return (now or timezone.now()) - since > timedelta(days=policy.password_max_age_days)


@per_user
def policy_for(user: Any) -> SecurityPolicy:
    """The security policy, read once per request (the log-in gate and the idle check both
    ask for it on every request; each read is a cache round trip)."""
    return SecurityPolicy.current()


def login_gate(user: Any) -> Gate | None:
    """What the user must do before reaching anything else, if anything."""
    policy = policy_for(user)
    if user.must_change_password or password_expired(user, policy):
        return PASSWORD_CHANGE_GATE
    if user.is_admin_role and policy.require_totp_for_admins and not user.totp_enabled:
        return TOTP_GATE
    return None
