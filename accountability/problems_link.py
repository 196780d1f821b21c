"""The one seam between 督察 and the problem tracker (app `problems`).

`problems` is imported lazily inside each function so this app works without
it; when it is not installed, a finding stays a finding and no overdue
problem is known.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.utils import timezone

from accountability import linkage
from accountability.models import Finding


def available() -> bool:
    return apps.is_installed("problems")


SEVERITY = {"general": "normal", "serious": "serious", "grave": "grave"}  # 督察 → tracker


def finding_open_problem(*, actor: Any, finding: Finding, at: datetime.datetime | None = None) -> Any:
    """Register the finding as a problem (source 督察) of its unit, with the
    finding's 整改期限 as it was set, and remember its id; idempotent. `at` is
    the registration time (now unless told: the demo replays its dates)."""
    if not available():
        return None
    # problems is an optional app: imported only once it is installed
    from problems import services
    from problems.models import Problem

    if finding.problem_id:
        return Problem.objects.filter(pk=finding.problem_id).first()
    problem = services.problem_register(
        actor=actor,
        source="inspection",
        category=finding.plan.topic[:50],  # the same 督察 topic again at the unit is a repeat
        title=f"{finding.plan.topic}：{finding.text[:40]}",
        description=finding.text,
        org=finding.target,
        severity=SEVERITY.get(finding.severity, "normal"),
        deadline=finding.deadline,
        deadline_as_set=True,
        source_object=finding,
        source_label=f"{finding.plan.year}年 {finding.plan.topic} · 督察发现问题",
        source_ref={"inspection_plan": finding.plan_id, "finding": finding.pk},
        registered_at=at,
    )
    Finding.objects.filter(pk=finding.pk).update(problem_id=problem.pk)
    finding.problem_id = problem.pk
    return problem


def overdue_days(*, org: Any, year: int, today: datetime.date | None = None) -> tuple[int, ...]:
    """Days overdue of each of the org's overdue problems of the year (empty without `problems`)."""
    if not available():
        return ()
    # problems is an optional app: imported only once it is installed
    from problems import selectors

    today = today or timezone.localdate()
    return tuple(
        max((today - p.deadline).days, 1)
        for p in selectors.overdue_problems(org=org, year=year)
        if p.deadline
    )


def repeated_count(*, org: Any, year: int) -> int:
    """How many of the org's problems registered in `year` came back after one of
    the same category was closed (linkage.repeated_problems; 0 without `problems`)."""
    if not available():
        return 0
    # problems is an optional app: imported only once it is installed
    from problems import selectors

    facts = [
        linkage.ProblemFact(category, registered_on, closed_on)
        for category, registered_on, closed_on in selectors.repeat_facts(org=org, year=year)
    ]
    return linkage.repeated_problems(facts, year=year)


def candidate_org_ids(*, year: int, today: datetime.date | None = None) -> set[int]:
    """Units that may have overdue or repeated problems of `year`: those with an
    overdue problem registered in the year, or with a problem of a category
    registered in the year (a repeat is decided by `repeated_count`). Empty
    without `problems`."""
    if not available():
        return set()
    # problems is an optional app: imported only once it is installed
    from problems import selectors

    overdue = selectors.overdue_problems(today=today, year=year).values_list("org_id", flat=True)
    categorised = {r.org_id for r in selectors.repeat_counts(year=year, minimum=1)}
    return set(overdue) | categorised
