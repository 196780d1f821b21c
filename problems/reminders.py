"""Deadlines of the problem tracker, for whoever sends reminders.

`deadlines(today)` is what the reminders registry (notices.reminding) reads
from every app: each running problem whose deadline is near, due or passed is
a deadline of its unit (reminded N days before, on the day and the day after it
passed); the office is told too — of every overdue problem (the day after its
deadline), and of a 挂牌督办 one on the unit's reminder days as well.

`upcoming_deadlines(today=…, within_days=7)` lists every open problem whose
deadline falls within the next `within_days` days or has passed while its clock
runs (see workflow.RUNNING), with whom to tell: the responsible unit always,
the office too when it is overdue or 挂牌督办. A reminder registry (the
`notices` app) can read it once a day and send each reminder once; the home
page to-dos (problems/todos.py) show the same facts. Two queries at most.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from problems import workflow
from problems.models import Problem

if TYPE_CHECKING:
    from notices.reminding import Deadline as Reminder

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


def upcoming_deadlines(
    *, today: datetime.date | None = None, within_days: int = 7, overdue_since_days: int | None = None
) -> list[Deadline]:
    """Running problems due within `within_days` or overdue (for at most
    `overdue_since_days` days when given), soonest first."""
    today = today or timezone.localdate()
    since = (
        {}
        if overdue_since_days is None
        else {"deadline__gte": today - datetime.timedelta(overdue_since_days)}
    )
    qs = (
        Problem.objects.filter(
            state__in=workflow.RUNNING,
            deadline__isnull=False,
            deadline__lte=today + datetime.timedelta(days=within_days),
            **since,
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


def office_org_ids() -> tuple[int, ...]:
    """The orgs of the office's active users (市委依法治市办)."""
    from accounts import roles
    from accounts.models import User

    ids = User.objects.filter(role_id=roles.OFFICE, is_active=True, org__isnull=False).values_list(
        "org_id", flat=True
    )
    return tuple(sorted(set(ids)))


def deadlines(today: datetime.date) -> Iterator[Reminder]:
    """The tracker's deadlines for notices.reminding (see the module docstring)."""
    from notices.reminding import STALE_DAYS, window_days
    from notices.reminding import Deadline as Reminder

    found = upcoming_deadlines(today=today, within_days=window_days(), overdue_since_days=STALE_DAYS + 1)
    office = office_org_ids() if found else ()
    for d in found:
        title = f"问题线索 {d.number}「{d.title}」须于期限内办结"
        yield Reminder(
            source=f"problems.problem:{d.problem_id}:{d.deadline:%Y-%m-%d}",
            kind="problems.deadline",
            title=title,
            due=d.deadline,
            org_ids=(d.org_id,),
            module="problems",
            url=d.url,
        )
        if office:
            yield Reminder(
                source=f"problems.problem:{d.problem_id}:{d.deadline:%Y-%m-%d}",
                kind="problems.office",
                title=f"{d.org_name}：{title}" + ("（挂牌督办）" if d.supervised else ""),
                due=d.deadline,
                org_ids=office,
                module="problems",
                url=d.url,
                days_before=None if d.supervised else (),
            )
