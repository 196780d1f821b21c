"""Who sees the cockpit: the city office (依法治办), its staff and its leaders
alike. The cockpit puts every county's figures side by side and each chart
opens the office's own list pages, so nobody else sees it: a county's users
and leaders, the assessing units, the experts and the three admins keep their
to-do home page, and the cockpit's chart and export routes answer them 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from accounts import roles


def can_see_cockpit(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.OFFICE))


def require_cockpit(user: Any) -> None:
    if not can_see_cockpit(user):
        raise Http404("页面不存在")
