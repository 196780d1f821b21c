from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

from performance.engine.values import format_money, format_number

register = template.Library()

SEVERITY_LABELS = {"error": "不符", "warning": "提示", "info": "说明"}


@register.filter
def pct(ratio: Decimal | None) -> str:
    """0.5012 → "50.12%"."""
    if ratio is None:
        return "—"
    return format_number((Decimal(ratio) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)) + "%"


@register.filter
def num(value: Any) -> str:
    """97.00 → "97"; None → "—"."""
    return "—" if value is None or value == "" else format_number(value)


@register.filter
def money(value: Decimal | None) -> str:
    return "—" if value is None else format_money(value)


@register.filter
def severity_label(severity: str) -> str:
    return SEVERITY_LABELS.get(severity, severity)
