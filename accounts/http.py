"""Request helpers shared by the views of every app."""

from __future__ import annotations

import unicodedata

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User


class AuthedRequest(HttpRequest):
    """Request type for views behind login_required, so `request.user` is our User."""

    user: User  # type: ignore[assignment]


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
