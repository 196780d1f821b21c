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

from accountability.models import Finding


def available() -> bool:
    return apps.is_installed("problems")


def finding_open_problem(*, actor: Any, finding: Finding) -> Any:
    """Register the finding as a problem (source 督察) and remember its id; idempotent."""
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
        category=finding.get_severity_display(),
        title=f"{finding.plan.topic}：{finding.text[:40]}",
        description=finding.text,
        unit=finding.target,
        deadline=finding.deadline,
        source_object=finding,
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
