"""Deadlines of 通知公告 for the reminders: each unit's 回执 not yet handed in."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse

from notices.models import Module, NoticeRecipient, NoticeStatus
from notices.reminding import STALE_DAYS, Deadline, window_days


def deadlines(today: datetime.date) -> Iterator[Deadline]:
    rows = NoticeRecipient.objects.filter(
        notice__status=NoticeStatus.SENT,
        notice__requires_receipt=True,
        receipt_at__isnull=True,
        notice__receipt_deadline__gte=today - datetime.timedelta(days=STALE_DAYS + 1),
        notice__receipt_deadline__lte=today + datetime.timedelta(days=window_days()),
    ).select_related("notice")
    for row in rows:
        notice = row.notice
        assert notice.receipt_deadline is not None  # requires_receipt has one (check constraint)
        yield Deadline(
            source=f"notices.recipient:{row.pk}",
            kind="notices.receipt",
            title=f"通知《{notice.title}》"
            + ("尚未签收，请签收并按时报送回执" if row.signed_at is None else "的回执请按时报送"),
            due=notice.receipt_deadline,
            org_ids=(row.org_id,),
            module=Module.NOTICES,
            url=reverse("notices:detail", args=[notice.pk]),
        )
