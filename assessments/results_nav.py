"""Navigation items, to-dos and attachment grants of results, appeals and
publication (registered from AssessmentsConfig.ready())."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from workbench import nav


def results_todos(user: Any) -> Iterator[nav.Todo]:
    """Appeals waiting for an answer (assessing units) or a decision (office),
    the appeal window of a target. A few queries."""
    from assessments import access
    from assessments.models import Appeal, AppealStatus, Phase, PhaseDeadline

    if not access.can_use_assessments(user):
        return
    appeals_url = reverse("assessments:appeal_list")
    if access.is_assessor(user):
        waiting = (
            Appeal.objects.filter(status=AppealStatus.SUBMITTED, score__indicator__assessors=user.org_id)
            .values("pk")
            .distinct()
            .count()
        )
        if waiting:
            due = _appeal_due()
            yield nav.Todo(
                f"{waiting} 件申诉等待本单位答复",
                f"{appeals_url}?status=submitted",
                "申诉复核",
                due=due,
                urgent=True,
            )
    if access.can_manage(user):
        waiting = Appeal.objects.filter(status=AppealStatus.ANSWERED).count()
        if waiting:
            yield nav.Todo(
                f"{waiting} 件申诉等待裁决",
                f"{appeals_url}?status=answered",
                "申诉复核",
                due=_appeal_due(),
                urgent=True,
            )
    if access.is_target(user):
        window = (
            PhaseDeadline.objects.filter(
                phase=Phase.APPEAL, campaign__phase=Phase.APPEAL, campaign__targets=user.org_id
            )
            .select_related("campaign")
            .order_by("due_on")
            .first()
        )
        if window is not None:
            yield nav.Todo(
                f"{window.campaign.name}处于申诉复核期，可查看本单位得分并对有异议的得分提出申诉",
                reverse("assessments:target_scores", args=[window.campaign_id, user.org_id]),
                "申诉复核",
                due=window.due_on,
            )
        # open 整改 items are problems of the tracker now: problems/todos.py lists them


def _appeal_due() -> Any:
    from assessments.models import Phase, PhaseDeadline

    window = (
        PhaseDeadline.objects.filter(phase=Phase.APPEAL, campaign__phase=Phase.APPEAL)
        .order_by("due_on")
        .first()
    )
    return window.due_on if window else None


def _appeal_evidence_grant(user: Any, attachment: Any) -> bool:
    """The assessing unit answering an appeal may open the files attached to it."""
    from assessments import access
    from assessments.models import Appeal

    if not access.is_assessor(user):
        return False
    return Appeal.objects.filter(evidence=attachment, score__indicator__assessors=user.org_id).exists()


def register() -> None:
    """Navigation items and to-dos of results, appeals and publication."""
    from assessments import access
    from attachments import access as attachment_access

    # one item: appeals, 整改 and year over year are reached from the results
    # pages and from the to-do list (the bar is shared by every module)
    nav.register(
        nav.NavItem("考评结果", "assessments:results_index", order=22, visible=access.can_use_assessments)
    )
    nav.register_todos(results_todos)
    attachment_access.register_grant(_appeal_evidence_grant)
