from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from workbench import nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.resolver_match.namespace if request.resolver_match else ""
    items = []
    for item in nav.items_for(user):
        namespace = item.url_name.split(":")[0]
        items.append(
            {"label": item.label, "url": item.url, "active": current == namespace or current in item.prefixes}
        )
    return {"nav_items": items}
