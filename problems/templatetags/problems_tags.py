from __future__ import annotations

from django import template
from django.utils.html import format_html

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
