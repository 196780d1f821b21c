from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_th(context: dict[str, Any], field: str, label: str) -> str:
    """A table header that toggles ?sort= while keeping the other query parameters."""
    request = context["request"]
    current = context.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    descending = current == field
    params["sort"] = f"-{field}" if descending else field
    arrow = ""
    if current == field:
        arrow = " ▲"
    elif current == f"-{field}":
        arrow = " ▼"
    return format_html('<th scope="col"><a href="?{}">{}{}</a></th>', params.urlencode(), label, arrow)


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()
