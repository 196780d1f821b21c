from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from problems import workflow

register = template.Library()

STATE_CLASS = {
    workflow.REGISTERED: "text-bg-secondary",
    workflow.ASSIGNED: "text-bg-info",
    workflow.RETURNED: "text-bg-warning",
    workflow.SIGNED: "text-bg-primary",
    workflow.VERIFIED: "text-bg-primary",
    workflow.RECTIFYING: "text-bg-primary",
    workflow.RECTIFIED: "text-bg-info",
    workflow.ACCEPTED: "text-bg-success",
    workflow.CLOSED: "text-bg-success",
    workflow.DISMISSED: "text-bg-light border",
}


@register.simple_tag
def state_badge(state: str) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATE_CLASS.get(state, "text-bg-light"),
        workflow.state_label(state),
    )


@register.filter
def state_label(state: str) -> str:
    return workflow.state_label(state)


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@register.simple_tag
def problem_rows(rows: Iterable[Any], detail_base: str) -> str:
    """The rows of the problem list, written in one pass: the list is the page that
    grows with the tracker, and Django's per-variable template lookups cost more
    than its queries (benchmarks/problems.py)."""
    out = []
    for p in rows:
        url = f"{detail_base}{p.pk}/"
        where = ""
        if p.campaign_id or p.category:
            campaign = f"{_cut(p.campaign.name, 20)} · " if p.campaign_id else ""
            where = format_html('<div class="small text-muted">{}{}</div>', campaign, p.category)
        out.append(
            format_html(
                '<tr{}><td class="text-nowrap small"><a href="{}">{}</a></td>'
                '<td><a href="{}">{}</a>{}{}</td>'
                '<td class="text-nowrap">{}</td><td class="text-nowrap small">{}</td>'
                '<td class="text-nowrap small">{}</td>'
                '<td class="text-nowrap"><span class="badge {}">{}</span>{}</td>'
                '<td class="text-nowrap small">{}</td><td class="text-nowrap small text-muted">{}</td></tr>',
                mark_safe(' class="table-danger"') if p.overdue else "",
                url,
                p.number,
                url,
                _cut(p.title, 48),
                mark_safe(' <span class="badge text-bg-danger">挂牌督办</span>') if p.supervised else "",
                where,
                p.org.short_name or p.org.name,
                p.source_text,
                p.severity_text,
                p.state_class,
                p.state_text,
                mark_safe(' <span class="badge text-bg-danger">逾期</span>') if p.overdue else "",
                f"{p.deadline:%Y-%m-%d}" if p.deadline else "—",
                f"{timezone.localtime(p.registered_at):%Y-%m-%d}",
            )  # fmt: skip
        )
    return mark_safe("".join(out))


@register.simple_tag
def options(choices: Iterable[tuple[Any, str]], selected: Any) -> str:
    """<option>s of a filter, the selected one marked (one pass, escaped)."""
    chosen = str(selected) if selected not in (None, "") else None
    return format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) == chosen else "", label) for value, label in choices),
    )  # fmt: skip
