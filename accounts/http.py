"""Request helpers shared by the views of every app."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User


class AuthedRequest(HttpRequest):
    """Request type for views behind login_required, so `request.user` is our User."""

    user: User  # type: ignore[assignment]


def request_user(request: Any) -> User:
    """The signed-in user of a page request (behind login_required) or an API
    request (behind IsAuthenticated): the one way views and API endpoints read
    `request.user` as our User. Anyone else is refused (never reached behind
    those guards)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("请先登录。")
    return user


def safe_next_url(request: HttpRequest, value: str | None, *, fallback: str = "/") -> str:
    """A `next` to redirect to only when it is a path on this site; else `fallback`.

    Only a single leading "/" is accepted: "//host", "/\\host", "https://host",
    "javascript:…" and anything with control characters or surrounding spaces
    (which browsers strip before resolving) fall back."""
    if not value or value != value.strip() or not value.startswith("/"):
        return fallback
    if value.startswith(("//", "/\\")) or any(unicodedata.category(ch)[0] == "C" for ch in value):
        return fallback
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return fallback
    return value
