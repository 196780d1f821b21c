"""Deadlines of the problem tracker, for whoever sends reminders.

`upcoming_deadlines(today=…, within_days=7)` lists every open problem whose
deadline falls within the next `within_days` days or has passed while its clock
runs (see workflow.RUNNING), with whom to tell: the responsible unit always,
the office too when it is overdue or 挂牌督办. A reminder registry (the
`notices` app) can read it once a day and send each reminder once; the home
page to-dos (problems/todos.py) show the same facts. Two queries at most.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from problems import workflow
from problems.models import Problem

UNIT = "unit"
OFFICE = "office"


@dataclass(frozen=True)
class Deadline:
    problem_id: int
    number: str
    title: str
    org_id: int
    org_name: str
    deadline: datetime.date
    days_left: int  # negative: overdue by that many days
    supervised: bool
    url: str
    notify: tuple[str, ...]  # "unit", "office"

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def message(self) -> str:
        if self.overdue:
            return f"问题「{self.title}」已逾期 {-self.days_left} 天（期限 {self.deadline:%Y-%m-%d}），请尽快办理。"
        if self.days_left == 0:
            return f"问题「{self.title}」今天到期，请按期办结。"
        return f"问题「{self.title}」将于 {self.deadline:%Y-%m-%d} 到期（还有 {self.days_left} 天）。"


def upcoming_deadlines(*, today: datetime.date | None = None, within_days: int = 7) -> list[Deadline]:
    today = today or timezone.localdate()
    qs = (
        Problem.objects.filter(
            state__in=workflow.RUNNING,
            deadline__isnull=False,
            deadline__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("org")
        .order_by("deadline", "pk")
    )
    found = []
    for p in qs:
        assert p.deadline is not None
        days_left = (p.deadline - today).days
        notify = (UNIT, OFFICE) if days_left < 0 or p.supervised else (UNIT,)
        found.append(
            Deadline(
                problem_id=p.pk,
                number=p.number,
                title=p.title,
                org_id=p.org_id,
                org_name=p.org.name,
                deadline=p.deadline,
                days_left=days_left,
                supervised=p.supervised,
                url=reverse("problems:detail", args=[p.pk]),
                notify=notify,
            )
        )
    return found
