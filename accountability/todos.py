"""Navigation entries and to-dos of 述、评、督、考、责 (reviewers reach their reviews from
their to-dos: a nav item would cost every page a query)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from accountability import access
from workbench import nav


def todos(user: Any) -> Iterable[nav.Todo]:
    from accountability import selectors
    from accountability.models import ShufaReport

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
    if not user.is_admin_role and not access.is_leader(user):
        # One query: submitted reports of the rounds the user reviews that it has not rated yet.
        to_rate = (
            ShufaReport.objects.filter(state="submitted", round__reviewers=user)
            .exclude(ratings__reviewer=user)
            .count()
        )
        if to_rate:
            result.append(
                nav.Todo(f"评议 {to_rate} 份述法报告", reverse("accountability:my_reviews"), "述法")
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
    nav.register_todos(todos)
