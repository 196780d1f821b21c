"""Reads of 评分 and of the 经办/审核 duties."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from accounts import roles
from accounts.models import User
from assessments import access
from assessments.models import Campaign, Duty, Score, ScoreStatus, ScoringDuty
from orgs.models import Org


def awaiting_review_q(user: User) -> Q:
    """Scores waiting for `user`'s 审核: submitted, entered at its unit and by
    someone else (the two-person rule). As a Q so a to-do can count them in
    the same query as the rest; `awaiting_review` is the queryset."""
    return Q(status=ScoreStatus.SUBMITTED, assessor_org_id=user.org_id or 0) & ~Q(entered_by=user)


def awaiting_review(user: User, campaign: Campaign) -> QuerySet[Score]:
    """The scores of the campaign on the unit's indicators that wait for
    `user`'s 审核; none when it does not hold the 审核 duty (access.duty_refusal)."""
    if access.duty_refusal(user, Duty.REVIEW) is not None:
        return Score.objects.none()
    return Score.objects.filter(campaign=campaign, indicator__assessors=user.org_id).filter(
        awaiting_review_q(user)
    )


def duty_people() -> QuerySet[User]:
    """The people of the assessing units who may hold 经办 or 审核, with their duty."""
    return User.objects.filter(role_id=roles.ASSESSOR, org__is_assessor=True).select_related(
        "org", "scoring_duty"
    )


def units_missing_duties(campaigns: list[Campaign] | None = None) -> list[str]:
    """Assessing units (of `campaigns`, else all) where nobody active holds 经办
    or 审核 (Chinese sentences): without both, the unit's scores cannot become effective."""
    held = set(
        ScoringDuty.objects.filter(org_id=F("user__org_id"), user__is_active=True)
        .order_by()
        .values_list("org_id", "duty")
    )
    units = Org.objects.filter(is_assessor=True)
    if campaigns is not None:
        units = units.filter(assessor_campaigns__in=campaigns).distinct()
    problems = []
    for org in units.order_by("sort_order", "code"):
        missing = [d.label for d in Duty if (org.pk, d.value) not in held]
        if missing:
            problems.append(f"{org.display_name}：没有{'、'.join(missing)}人员。")
    return problems
