from __future__ import annotations

from typing import Any

from django.http import HttpRequest

PUBLIC_PREFIX = "/public/"


def public_site(request: HttpRequest) -> dict[str, Any]:
    """Pages under /public/ (error pages included) use the public layout: no navigation,
    no user, no link into the internal system."""
    if request.path.startswith(PUBLIC_PREFIX):
        return {"base_template": "selections/public/base.html", "public_site": True}
    return {}
