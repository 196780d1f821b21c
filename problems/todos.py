"""The 问题线索 nav item and home to-dos: the office's queue (to assign, to
accept, to close, extensions to decide, overdue) and each unit's (to sign, to
verify and rectify, overdue, due soon). One aggregate query per party."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from problems import access, workflow
from problems.models import ExtensionRequest, ExtensionStatus
from problems.selectors import overdue_q
from workbench import nav

MODULE = "问题线索"
SOON_DAYS = 7


def todos(user: Any) -> Iterator[nav.Todo]:
    if not user.is_authenticated:
        return
    today = timezone.localdate()
    if access.is_office(user):
        yield from _office_todos(today)
    elif access.is_unit_user(user):
        yield from _unit_todos(user, today)


def _office_todos(today: datetime.date) -> Iterator[nav.Todo]:
    from problems.models import Problem

    counts = Problem.objects.aggregate(
        to_assign=Count("pk", filter=Q(state__in=(workflow.REGISTERED, workflow.RETURNED))),
        returned=Count("pk", filter=Q(state=workflow.RETURNED)),
        to_accept=Count("pk", filter=Q(state=workflow.RECTIFIED)),
        to_close=Count("pk", filter=Q(state=workflow.ACCEPTED)),
        overdue=Count("pk", filter=overdue_q(today)),
        supervised_overdue=Count("pk", filter=overdue_q(today) & Q(supervised=True)),
    )
    extensions = ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).count()
    url = reverse("problems:list")
    if counts["overdue"]:
        extra = f"，其中挂牌督办 {counts['supervised_overdue']} 条" if counts["supervised_overdue"] else ""
        yield nav.Todo(
            f"{counts['overdue']} 条问题已逾期未办结{extra}",
            f"{url}?overdue=1",
            MODULE,
            urgent=True,
            detail="请督促责任单位办理，必要时挂牌督办或启动问责",
        )
    if extensions:
        yield nav.Todo(f"{extensions} 份延期申请待审批", f"{url}?extension=pending", MODULE, urgent=True)
    if counts["to_assign"]:
        detail = (
            f"其中 {counts['returned']} 条被责任单位退回" if counts["returned"] else "登记后请交办责任单位"
        )
        yield nav.Todo(
            f"{counts['to_assign']} 条问题线索待交办", f"{url}?state=registered", MODULE, detail=detail
        )
    if counts["to_accept"]:
        yield nav.Todo(f"{counts['to_accept']} 条问题整改完成待验收", f"{url}?state=rectified", MODULE)
    if counts["to_close"]:
        yield nav.Todo(f"{counts['to_close']} 条问题已验收待销号", f"{url}?state=accepted", MODULE)


def _unit_todos(user: Any, today: datetime.date) -> Iterator[nav.Todo]:
    soon = today + datetime.timedelta(days=SOON_DAYS)
    counts = access.visible_problems(user).aggregate(
        to_sign=Count("pk", filter=Q(state=workflow.ASSIGNED)),
        working=Count("pk", filter=Q(state__in=(workflow.SIGNED, workflow.VERIFIED, workflow.RECTIFYING))),
        overdue=Count("pk", filter=overdue_q(today) & ~Q(state__in=(workflow.REGISTERED, workflow.RETURNED))),
        due_soon=Count(
            "pk",
            filter=Q(state__in=workflow.UNIT_WORKING, deadline__gte=today, deadline__lte=soon),
        ),
    )
    url = reverse("problems:list")
    if counts["overdue"]:
        yield nav.Todo(
            f"{counts['overdue']} 条问题已逾期未办结",
            f"{url}?overdue=1",
            MODULE,
            urgent=True,
            detail="逾期问题会通报市委依法治市办；确需延期的请在问题页面申请延期",
        )
    if counts["to_sign"]:
        yield nav.Todo(f"{counts['to_sign']} 条问题待签收", f"{url}?state=assigned", MODULE, urgent=True)
    if counts["due_soon"]:
        yield nav.Todo(
            f"{counts['due_soon']} 条问题将在 {SOON_DAYS} 天内到期", f"{url}?due=soon", MODULE, urgent=True
        )
    if counts["working"]:
        yield nav.Todo(f"{counts['working']} 条问题正在核查整改", f"{url}?open=1", MODULE)


def register() -> None:
    nav.register(nav.NavItem("问题线索", "problems:list", order=47, visible=access.can_see_module))
    nav.register_todos(todos)
