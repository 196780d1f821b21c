"""Filters of the results pages: points as the office writes them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """92.50 → 92.5, 100.00 → 100, None → —."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).normalize()
    return format(number, "f")


@register.filter
def change(value: Any) -> str:
    """A signed difference, green up and red down."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if number == 0:
        return format_html('<span class="text-muted">0</span>')
    css = "text-success" if number > 0 else "text-danger"
    sign = "+" if number > 0 else "−"
    return format_html('<span class="{}">{}{}</span>', css, sign, points(abs(number)))
