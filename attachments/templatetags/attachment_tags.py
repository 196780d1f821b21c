from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from attachments import access
from attachments.detection import ALLOWED_DESCRIPTION, KINDS

register = template.Library()

ICONS = {
    "pdf": "bi-file-earmark-pdf",
    "png": "bi-file-earmark-image",
    "jpeg": "bi-file-earmark-image",
    "gif": "bi-file-earmark-image",
    "webp": "bi-file-earmark-image",
    "docx": "bi-file-earmark-word",
    "xlsx": "bi-file-earmark-excel",
    "pptx": "bi-file-earmark-ppt",
    "txt": "bi-file-earmark-text",
    "csv": "bi-file-earmark-spreadsheet",
}


@register.filter
def deletable_by(attachment: Any, user: Any) -> bool:
    return access.can_delete(user, attachment)


@register.filter
def attachment_icon(attachment: Any) -> str:
    return ICONS.get(attachment.kind, "bi-file-earmark")


@register.simple_tag
def attachment_accept() -> str:
    """The `accept` attribute of a file input: a hint only, the server checks the content."""
    return ",".join(f".{ext}" for kind in KINDS.values() for ext in kind.extensions)


@register.simple_tag
def attachment_allowed_description() -> str:
    return ALLOWED_DESCRIPTION


@register.simple_tag
def attachment_upload_url() -> str:
    return reverse("attachments:upload")


@register.simple_tag
def attachment_max_mb() -> int:
    from django.conf import settings

    return int(settings.UPLOAD_MAX_MB)
