"""The 迎检 nav item and home to-dos (each provider costs at most one query)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from provincial import access
from provincial.models import OPEN_STATUSES, Task, TaskStatus
from workbench import nav

MODULE = "迎检"
SOON_DAYS = 7


def todos(user: Any) -> Iterator[nav.Todo]:
    if not user.is_authenticated:
        return
    today = timezone.localdate()
    if access.is_office(user):
        yield from _office_todos(today)
    if access.is_unit_user(user) and access.can_see_module(user):
        yield from _unit_todos(user, today)


def _office_todos(today: datetime.date) -> Iterator[nav.Todo]:
    counts = Task.objects.aggregate(
        submitted=Count("pk", filter=Q(status=TaskStatus.SUBMITTED)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
    )
    url = reverse("provincial:task_list")
    if counts["submitted"]:
        yield nav.Todo(
            f"{counts['submitted']} 项迎检任务待审核",
            f"{url}?status=submitted",
            MODULE,
            detail="责任单位已提交佐证材料和自估分，请审核通过或退回",
        )
    if counts["overdue"]:
        yield nav.Todo(
            f"{counts['overdue']} 项迎检任务已逾期未提交",
            f"{url}?overdue=1",
            MODULE,
            urgent=True,
            detail="请督促责任单位尽快提交佐证材料",
        )


def _unit_todos(user: Any, today: datetime.date) -> Iterator[nav.Todo]:
    tasks = (
        Task.objects.filter(org_id=user.org_id, status__in=OPEN_STATUSES)
        .select_related("indicator")
        .order_by("deadline", "pk")[:20]
    )
    for task in tasks:
        returned = task.status == TaskStatus.RETURNED
        overdue = task.deadline < today
        detail = f"退回理由：{task.return_reason}" if returned else "上传佐证材料、填写自估分后提交"
        if overdue:
            detail = f"已逾期 {(today - task.deadline).days} 天；{detail}"
        yield nav.Todo(
            f"迎检任务{'（已退回）' if returned else ''}：{task.indicator.code} {task.indicator.name}",
            reverse("provincial:task_detail", args=[task.pk]),
            MODULE,
            due=task.deadline,
            detail=detail,
            urgent=overdue or returned or (task.deadline - today).days <= SOON_DAYS,
        )


def register() -> None:
    nav.register(nav.NavItem("迎检", "provincial:home", order=45, visible=access.can_see_module))
    nav.register_todos(todos)
