from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()

STATUS_CLASSES = {
    "assigned": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "accepted": "text-bg-success",
    "returned": "text-bg-warning",
}


@register.filter
def score(value: Any) -> str:
    """2.00 → 2, 1.50 → 1.5; blank for None."""
    if value is None or value == "":
        return ""
    number = Decimal(value).quantize(Decimal("0.01")).normalize()
    return f"{number:f}"


@register.simple_tag
def task_status(task: Any, today: Any = None) -> str:
    css = STATUS_CLASSES.get(task.status, "text-bg-light")
    badge = format_html('<span class="badge {}">{}</span>', css, task.get_status_display())
    if today is not None and task.status in ("assigned", "returned") and task.deadline < today:
        badge += format_html(' <span class="badge text-bg-danger">逾期</span>')
    return badge


@register.filter
def percent(part: Any, whole: Any) -> int:
    try:
        return round(Decimal(part) * 100 / Decimal(whole)) if whole else 0
    except (ArithmeticError, ValueError, TypeError):
        return 0


@register.filter
def status_count(overview: Any, status: str) -> int:
    return int(overview.count(status))


@register.filter
def evidence_total(row: Any) -> int:
    return sum(getattr(t, "evidence_count", 0) for t in row.tasks)
