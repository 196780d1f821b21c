"""Deadlines of 法治建设考评 for the reminders (notices.reminding): self-assessment
(each target with items not submitted), scoring (each assessing unit with
scores not yet in effect) and appeals (each unit with appeals to answer), by
the deadline of the campaign's current phase, `campaign.remind_days` and one
day before it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import F
from django.urls import reverse

from assessments.models import (
    AppealStatus,
    Campaign,
    Phase,
    PhaseDeadline,
    Score,
    ScoreStatus,
    SelfAssessment,
    SelfAssessmentStatus,
)
from notices.reminding import STALE_DAYS, Deadline, window_days

MODULE = "assessments"


def deadlines(today: datetime.date) -> Iterator[Deadline]:
    current = PhaseDeadline.objects.filter(
        phase=F("campaign__phase"),
        due_on__gte=today - datetime.timedelta(days=STALE_DAYS + 1),
        due_on__lte=today + datetime.timedelta(days=max(window_days(), 31)),
        campaign__phase__in=(Phase.SELF_ASSESS, Phase.SCORING, Phase.APPEAL),
    ).select_related("campaign")
    for deadline in current:
        campaign = deadline.campaign
        days = tuple(sorted({campaign.remind_days, 1}, reverse=True))
        if campaign.phase == Phase.SELF_ASSESS:
            yield from _self_assessment(campaign, deadline.due_on, days)
        elif campaign.phase == Phase.SCORING:
            yield from _scoring(campaign, deadline.due_on, days)
        else:
            yield from _appeals(campaign, deadline.due_on, days)


def _self_assessment(campaign: Campaign, due: datetime.date, days: tuple[int, ...]) -> Iterator[Deadline]:
    open_targets = (
        SelfAssessment.objects.filter(campaign=campaign)
        .exclude(status=SelfAssessmentStatus.SUBMITTED)
        .values_list("target_id", flat=True)
        .order_by("target_id")
        .distinct()
    )
    for target_id in open_targets:
        yield Deadline(
            source=f"assessments.campaign:{campaign.pk}:self_assess:{target_id}",
            kind="assessments.self_assess",
            title=f"{campaign.name}：自评填报尚未全部提交",
            due=due,
            org_ids=(target_id,),
            module=MODULE,
            url=reverse("assessments:self_list", args=[campaign.pk, target_id]),
            days_before=days,
        )


def _scoring(campaign: Campaign, due: datetime.date, days: tuple[int, ...]) -> Iterator[Deadline]:
    units = (
        Score.objects.filter(campaign=campaign)
        .exclude(status=ScoreStatus.APPROVED)
        .values_list("indicator__assessors", flat=True)
        .order_by("indicator__assessors")
        .distinct()
    )
    for unit_id in units:
        if unit_id is None:
            continue
        yield Deadline(
            source=f"assessments.campaign:{campaign.pk}:scoring:{unit_id}",
            kind="assessments.scoring",
            title=f"{campaign.name}：本单位负责的指标尚有评分未经审核生效",
            due=due,
            org_ids=(unit_id,),
            module=MODULE,
            url=reverse("assessments:scoring", args=[campaign.pk]),
            days_before=days,
        )


def _appeals(campaign: Campaign, due: datetime.date, days: tuple[int, ...]) -> Iterator[Deadline]:
    units = (
        campaign.appeals.filter(status=AppealStatus.SUBMITTED)
        .values_list("score__indicator__assessors", flat=True)
        .order_by("score__indicator__assessors")
        .distinct()
    )
    for unit_id in units:
        if unit_id is None:
            continue
        yield Deadline(
            source=f"assessments.campaign:{campaign.pk}:appeal:{unit_id}",
            kind="assessments.appeal",
            title=f"{campaign.name}：有申诉待本单位答复",
            due=due,
            org_ids=(unit_id,),
            module=MODULE,
            url=reverse("assessments:appeal_list"),
            days_before=days,
        )
