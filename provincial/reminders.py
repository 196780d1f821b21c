"""Deadlines of 迎检 for the reminders (notices.reminding): each unit's open
tasks, one reminder per unit and deadline however many tasks share it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count
from django.urls import reverse

from notices.reminding import STALE_DAYS, Deadline, window_days
from provincial.models import OPEN_STATUSES, Task


def deadlines(today: datetime.date) -> Iterator[Deadline]:
    groups = (
        Task.objects.filter(
            status__in=OPEN_STATUSES,
            deadline__gte=today - datetime.timedelta(days=STALE_DAYS + 1),
            deadline__lte=today + datetime.timedelta(days=window_days()),
        )
        .values("org_id", "deadline")
        .annotate(count=Count("pk"))
        .order_by("deadline", "org_id")
    )
    for group in groups:
        yield Deadline(
            source=f"provincial.tasks:{group['org_id']}:{group['deadline']:%Y-%m-%d}",
            kind="provincial.task",
            title=f"{group['count']} 项迎检任务（上传佐证材料、填写自估分并提交）",
            due=group["deadline"],
            org_ids=(group["org_id"],),
            module="provincial",
            url=reverse("provincial:task_list"),
        )
