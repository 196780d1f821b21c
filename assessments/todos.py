"""Each party's own to-do list for the open campaigns, with the deadline of the
phase. A to-do is urgent (the reminder) within `campaign.remind_days` of its
deadline or once it has passed. A few queries per user, whatever the data size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments import access
from assessments.models import Campaign, Phase, Score, ScoreStatus, SelfAssessment, SelfAssessmentStatus
from workbench.nav import Todo

MODULE = "法治建设考评"


def _due(campaign: Campaign, phase: str) -> date | None:
    for d in campaign.deadlines.all():
        if d.phase == phase:
            return d.due_on
    return None


def _urgent(campaign: Campaign, due: date | None) -> bool:
    return due is not None and (due - timezone.localdate()).days <= campaign.remind_days


def _when(due: date | None) -> str:
    if due is None:
        return ""
    days = (due - timezone.localdate()).days
    if days < 0:
        return f"已逾期 {-days} 天"
    if days == 0:
        return "今天截止"
    return f"还有 {days} 天截止"


def assessment_todos(user: User) -> Iterator[Todo]:
    if not access.can_use_assessments(user):
        return
    campaigns = list(
        access.campaigns_for(user)
        .exclude(phase=Phase.PUBLISHED)
        .prefetch_related("deadlines")
        .order_by("-year")
    )
    for campaign in campaigns:
        if access.can_manage(user):
            yield from _office(campaign)
        elif access.is_target(user):
            yield from _target(user, campaign)
        elif access.is_assessor(user):
            yield from _assessor(user, campaign)


def _office(campaign: Campaign) -> Iterator[Todo]:
    due = _due(campaign, campaign.phase)
    url = reverse("assessments:campaign_detail", args=[campaign.pk])
    action = "发布结果" if campaign.phase == Phase.REVIEW else "检查进度并推进到下一阶段"
    yield Todo(
        f"{campaign.name}：「{campaign.get_phase_display()}」阶段，{action}",
        url,
        MODULE,
        due=due,
        detail=_when(due),
        urgent=_urgent(campaign, due),
    )


def _target(user: User, campaign: Campaign) -> Iterator[Todo]:
    if campaign.phase not in (Phase.SELF_ASSESS, Phase.SCORING):
        if campaign.phase in (Phase.FEEDBACK, Phase.APPEAL):
            due = _due(campaign, campaign.phase)
            yield Todo(
                f"{campaign.name}：查看评分结果"
                + ("，如有异议可在申诉期内提出申诉" if campaign.phase == Phase.APPEAL else ""),
                reverse("assessments:campaign_detail", args=[campaign.pk]),
                MODULE,
                due=due,
                detail=_when(due),
                urgent=_urgent(campaign, due),
            )
        return
    counts = SelfAssessment.objects.filter(campaign=campaign, target_id=user.org_id).aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(status=SelfAssessmentStatus.SUBMITTED)),
        returned=Count("pk", filter=Q(status=SelfAssessmentStatus.RETURNED)),
    )
    url = reverse("assessments:self_list", args=[campaign.pk, user.org_id])
    if counts["returned"]:
        yield Todo(
            f"{campaign.name}：{counts['returned']} 项自评被依法治办退回，请修改后重新提交",
            url,
            MODULE,
            due=_due(campaign, campaign.phase),
            urgent=True,
        )
    if campaign.phase == Phase.SELF_ASSESS and counts["submitted"] < counts["total"]:
        due = _due(campaign, Phase.SELF_ASSESS)
        yield Todo(
            f"{campaign.name}：自评填报（已提交 {counts['submitted']}/{counts['total']} 项）",
            url,
            MODULE,
            due=due,
            detail=_when(due),
            urgent=_urgent(campaign, due),
        )


def _assessor(user: User, campaign: Campaign) -> Iterator[Todo]:
    if campaign.phase != Phase.SCORING:
        return
    mine = Score.objects.filter(campaign=campaign, indicator__assessors=user.org_id)
    counts = mine.aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(status=ScoreStatus.APPROVED)),
        empty=Count("pk", filter=Q(score__isnull=True)),
        draft=Count("pk", filter=Q(status=ScoreStatus.DRAFT, score__isnull=False)),
        to_review=Count(
            "pk", filter=Q(status=ScoreStatus.SUBMITTED, assessor_org_id=user.org_id) & ~Q(entered_by=user)
        ),
    )
    due = _due(campaign, Phase.SCORING)
    url = reverse("assessments:scoring", args=[campaign.pk])
    if counts["empty"] or counts["draft"]:
        parts = [f"{counts['empty']} 项未评分"] if counts["empty"] else []
        if counts["draft"]:
            parts.append(f"{counts['draft']} 项未提交审核")
        yield Todo(
            f"{campaign.name}：评分（{'，'.join(parts)}；已生效 {counts['approved']}/{counts['total']}）",
            url,
            MODULE,
            due=due,
            detail=_when(due),
            urgent=_urgent(campaign, due),
        )
    if counts["to_review"]:
        yield Todo(
            f"{campaign.name}：{counts['to_review']} 项评分待您审核（经办与审核须为不同人员）",
            url + "?status=submitted",
            MODULE,
            due=due,
            detail=_when(due),
            urgent=_urgent(campaign, due),
        )
