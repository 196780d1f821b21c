from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from attachments.models import Attachment


def with_related(qs: QuerySet[Attachment]) -> QuerySet[Attachment]:
    """What the attachment list template shows, in one query."""
    return qs.select_related("org", "uploaded_by")


def attachments_uploaded_by(user: Any) -> QuerySet[Attachment]:
    return with_related(Attachment.objects.filter(uploaded_by=user))
