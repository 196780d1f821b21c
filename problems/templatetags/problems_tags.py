from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
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


def _e(value: Any) -> str:
    """`conditional_escape` without its lazy-string check per argument (the same
    output: safe strings as they are, anything else through `html.escape`)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@register.simple_tag
def problem_rows(rows: Iterable[Any], detail_base: str) -> str:
    """The rows of the problem list, written in one pass: the list is the page that
    grows with the tracker, and Django's per-variable template lookups cost more
    than its queries (benchmarks/problems.py). Escaped by `_e`: `format_html`'s
    per-argument lazy checks were a third of the page's rendering."""
    out = []
    for p in rows:
        url = _e(f"{detail_base}{p.pk}/")
        where = ""
        if p.campaign_id or p.category:
            campaign = f"{_cut(p.campaign.name, 20)} · " if p.campaign_id else ""
            where = f'<div class="small text-muted">{_e(campaign)}{_e(p.category)}</div>'
        overdue = p.overdue
        row_class = ' class="table-danger"' if overdue else ""
        supervised = ' <span class="badge text-bg-danger">挂牌督办</span>' if p.supervised else ""
        late = ' <span class="badge text-bg-danger">逾期</span>' if overdue else ""
        deadline = f"{p.deadline:%Y-%m-%d}" if p.deadline else "—"
        registered = f"{timezone.localtime(p.registered_at):%Y-%m-%d}"
        out.append(
            f'<tr{row_class}><td class="text-nowrap small"><a href="{url}">{_e(p.number)}</a></td>'
            f'<td><a href="{url}">{_e(_cut(p.title, 48))}</a>{supervised}{where}</td>'
            f'<td class="text-nowrap">{_e(p.org.short_name or p.org.name)}</td>'
            f'<td class="text-nowrap small">{_e(p.source_text)}</td>'
            f'<td class="text-nowrap small">{_e(p.severity_text)}</td>'
            f'<td class="text-nowrap"><span class="badge {_e(p.state_class)}">{_e(p.state_text)}</span>{late}</td>'
            f'<td class="text-nowrap small">{_e(deadline)}</td>'
            f'<td class="text-nowrap small text-muted">{_e(registered)}</td></tr>'
        )
    return mark_safe("".join(out))  # every value above is escaped by _e


@register.simple_tag
def options(choices: Iterable[tuple[Any, str]], selected: Any) -> str:
    """<option>s of a filter, the selected one marked (one pass, escaped by `_e`)."""
    chosen = str(selected) if selected not in (None, "") else None
    return mark_safe(  # values and labels are escaped by _e
        "".join(
            f'<option value="{_e(value)}"{" selected" if str(value) == chosen else ""}>{_e(label)}</option>'
            for value, label in choices
        )
    )
