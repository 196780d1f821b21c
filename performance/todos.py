"""Home to-dos: draft projects whose scoring finds errors (a couple of queries)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from workbench import nav


def todos(user: Any) -> Iterator[nav.Todo]:
    from performance.access import can_use_performance
    from performance.selectors import draft_projects_with_findings

    if not user.is_authenticated or user.is_admin_role or not user.org_id:
        return
    if not can_use_performance(user):
        return
    for project, errors in draft_projects_with_findings(user):
        yield nav.Todo(
            title=f"{project.year}年度“{project.name}”绩效自评有{errors}处与评分规则不符",
            url=reverse("performance:project_detail", args=[project.pk]),
            module="绩效自评",
            detail=f"{project.org.short_name or project.org.name} · 草稿，提交前请核对",
            urgent=False,
        )
