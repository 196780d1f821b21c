from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def expert_status(expert: Any) -> str:
    return format_html(
        '<span class="badge expert-status-{}">{}</span>', expert.status, expert.get_status_display()
    )


@register.simple_tag
def draw_status(draw: Any) -> str:
    return format_html('<span class="badge draw-status-{}">{}</span>', draw.status, draw.get_status_display())
