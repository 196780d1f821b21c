"""The 专家库 nav items and home to-dos (each provider costs at most two queries)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from experts import access
from experts.models import Assignment, AssignmentRole, AssignmentStatus, Draw, DrawStatus
from workbench import nav

MODULE = "专家库"


def todos(user: Any) -> Iterator[nav.Todo]:
    if not user.is_authenticated:
        return
    if access.is_office(user):
        yield from _office_todos()
    if access.is_expert_user(user):
        yield from _expert_todos(user)


def _office_todos() -> Iterator[nav.Todo]:
    committed = Draw.objects.filter(status=DrawStatus.COMMITTED).count()
    short = (
        Assignment.objects.filter(
            role=AssignmentRole.MEMBER,
            status=AssignmentStatus.DECLINED,
            replaced_by__isnull=True,
            draw__status=DrawStatus.EXECUTED,
        )
        .exclude(draw__assignments__status=AssignmentStatus.STANDBY)
        .values("draw")
        .distinct()
        .count()
    )
    url = reverse("experts:draw_list")
    if committed:
        yield nav.Todo(
            f"{committed} 次专家抽取已公布承诺、待执行",
            f"{url}?status=committed",
            MODULE,
            detail="承诺值和候选名单已冻结，请按程序执行抽取或说明理由后取消",
        )
    if short:
        yield nav.Todo(
            f"{short} 个专家组有成员谢绝且候补已用尽",
            f"{url}?status=executed",
            MODULE,
            urgent=True,
            detail="请取消后重新抽取，或另行抽取补充专家",
        )


def _expert_todos(user: Any) -> Iterator[nav.Todo]:
    assignments = (
        Assignment.objects.filter(expert__user=user, status=AssignmentStatus.ACTIVE)
        .select_related("draw")
        .order_by("-draw__executed_at", "pk")[:20]
    )
    for assignment in assignments:
        draw = assignment.draw
        yield nav.Todo(
            f"专家任务：{draw.purpose}",
            draw.link or reverse("experts:my_tasks"),
            MODULE,
            detail=f"{draw.get_purpose_code_display()}；如需回避或无法参加，请在“我的任务”中说明理由后谢绝",
        )


def register() -> None:
    nav.register(nav.NavItem("专家名单", "experts:expert_list", order=55, visible=access.is_office))
    nav.register(nav.NavItem("专家抽取", "experts:draw_list", order=56, visible=access.is_office))
    nav.register(nav.NavItem("我的任务", "experts:my_tasks", order=55, visible=access.is_expert_user))
    nav.register(nav.NavItem("我的专家档案", "experts:my_profile", order=56, visible=access.is_expert_user))
    nav.register_todos(todos)
