"""Reads of 申诉复核: the appeal window of a campaign and the open appeals."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from assessments import access
from assessments.models import (
    Appeal,
    AppealStatus,
    Campaign,
    Phase,
    PhaseDeadline,
)


def appeal_window(campaign: Campaign) -> PhaseDeadline | None:
    return PhaseDeadline.objects.filter(campaign=campaign, phase=Phase.APPEAL).first()


def open_appeal_count(user: User) -> Coalesce:
    """Per campaign (an annotation on campaigns), the undecided appeals this
    user may see: a county counts only its own, never the other counties'."""
    counted = (
        access.visible_appeals(user)
        .filter(campaign=OuterRef("pk"))
        .exclude(status=AppealStatus.DECIDED)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def open_appeals(campaign: Campaign) -> QuerySet[Appeal]:
    return Appeal.objects.filter(campaign=campaign).exclude(status=AppealStatus.DECIDED)


def appeals_waiting_answer(user: User) -> QuerySet[Appeal]:
    if not access.is_assessor(user):
        return Appeal.objects.none()
    return Appeal.objects.filter(
        Q(status=AppealStatus.SUBMITTED), score__indicator__assessors=user.org_id
    ).distinct()
