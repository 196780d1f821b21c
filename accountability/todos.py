"""Navigation entries and to-dos of 述、评、督、考、责."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from accountability import access
from workbench import nav


def _is_reviewer(user: Any) -> bool:
    return bool(user.is_authenticated and user.shufa_rounds_reviewing.exists())


def todos(user: Any) -> Iterable[nav.Todo]:
    from accountability import selectors

    if not user.is_authenticated:
        return []
    result: list[nav.Todo] = []
    if access.is_leader(user):
        for report in selectors.reports().filter(leader=user).exclude(state="submitted"):
            result.append(
                nav.Todo(
                    f"提交{report.round}报告",
                    reverse("accountability:report_detail", args=[report.pk]),
                    "述法",
                    due=report.round.deadline,
                    urgent=report.state == "returned",
                )
            )
    if access.is_office(user):
        proposed = selectors.actions().filter(state="proposed").count()
        if proposed:
            result.append(
                nav.Todo(
                    f"确认或驳回 {proposed} 条问责建议",
                    reverse("accountability:action_list") + "?state=proposed",
                    "问责",
                )
            )
    return result


def register() -> None:
    nav.register(nav.NavItem("述法工作", "accountability:round_list", order=60, visible=access.is_office))
    nav.register(nav.NavItem("督察", "accountability:plan_list", order=61, visible=access.is_office))
    nav.register(nav.NavItem("问责建议", "accountability:action_list", order=62, visible=access.is_office))
    nav.register(nav.NavItem("我的述法报告", "accountability:my_reports", order=60, visible=access.is_leader))
    nav.register(nav.NavItem("我的档案", "accountability:my_dossier", order=61, visible=access.is_leader))
    nav.register(nav.NavItem("述法评议", "accountability:my_reviews", order=63, visible=_is_reviewer))
    nav.register_todos(todos)
