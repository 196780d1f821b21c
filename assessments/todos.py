"""Each party's own to-do list for the open campaigns, with the deadline of the
phase, and (`results_todos`) the appeals and 整改 waiting for it. A to-do is urgent (the reminder) within `campaign.remind_days` of its
deadline or once it has passed. A few queries per user, whatever the data size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments import access
from assessments.models import (
    Appeal,
    AppealStatus,
    Campaign,
    Duty,
    Phase,
    PhaseDeadline,
    Score,
    ScoreStatus,
    SelfAssessment,
    SelfAssessmentStatus,
)
from assessments.selectors import appeals as appeal_selectors
from assessments.selectors import scores as score_selectors
from assessments.services import appeals as appeal_services
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
    if access.can_manage(user):
        yield from _office_duties(campaigns)


def _office(campaign: Campaign) -> Iterator[Todo]:
    due = _due(campaign, campaign.phase)
    url = reverse("assessments:campaign_detail", args=[campaign.pk])
    action = "发布结果" if campaign.phase == Phase.FINAL_REVIEW else "检查进度并推进到下一阶段"
    yield Todo(
        f"{campaign.name}：「{campaign.get_phase_display()}」阶段，{action}",
        url,
        MODULE,
        due=due,
        detail=_when(due),
        urgent=_urgent(campaign, due),
    )


def _office_duties(campaigns: list[Campaign]) -> Iterator[Todo]:
    """Before and during scoring: units whose scores could not become effective."""
    open_campaigns = [c for c in campaigns if c.phase in (Phase.SELF_ASSESS, Phase.SCORING)]
    if not open_campaigns:
        return
    missing = score_selectors.units_missing_duties(open_campaigns)
    if missing:
        yield Todo(
            f"{len(missing)} 个考评单位缺少经办或审核人员，评分无法生效，请分配职责",
            reverse("assessments:duty_list"),
            MODULE,
            detail="；".join(missing[:3]) + ("……" if len(missing) > 3 else ""),
            urgent=any(c.phase == Phase.SCORING for c in open_campaigns),
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
    """A 经办 sees what is left to enter or submit, a 审核 what waits for its
    approval (access.duty_refusal decides which); someone without a duty is told so."""
    if campaign.phase != Phase.SCORING:
        return
    due = _due(campaign, Phase.SCORING)
    url = reverse("assessments:scoring", args=[campaign.pk])
    enters = access.duty_refusal(user, Duty.ENTER) is None
    reviews = not enters and access.duty_refusal(user, Duty.REVIEW) is None
    if not (enters or reviews):
        yield Todo(
            f"{campaign.name}：您尚未被分配经办或审核职责，请联系依法治办或系统管理员",
            url,
            MODULE,
            due=due,
            detail=_when(due),
            urgent=True,
        )
        return
    mine = Score.objects.filter(campaign=campaign, indicator__assessors=user.org_id)
    counts = mine.aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(status=ScoreStatus.APPROVED)),
        empty=Count("pk", filter=Q(score__isnull=True)),
        draft=Count("pk", filter=Q(status=ScoreStatus.DRAFT, score__isnull=False)),
        to_review=Count("pk", filter=score_selectors.awaiting_review_q(user)),
    )
    if enters and (counts["empty"] or counts["draft"]):
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
    if reviews and counts["to_review"]:
        yield Todo(
            f"{campaign.name}：{counts['to_review']} 项评分待您审核（经办与审核须为不同人员）",
            url + "?status=submitted",
            MODULE,
            due=due,
            detail=_when(due),
            urgent=_urgent(campaign, due),
        )


# --------------------------------------------------------------------------- appeals and 整改


def results_todos(user: User) -> Iterator[Todo]:
    """Appeals waiting for an answer (assessing units) or a decision (office),
    the appeal window of a target, open 整改 items of a target. A few queries."""
    if not access.can_use_assessments(user):
        return
    appeals_url = reverse("assessments:appeal_list")
    if access.is_assessor(user):
        waiting = appeal_selectors.appeals_waiting_answer(user).count()
        if waiting:
            due = _appeal_due()
            yield Todo(
                f"{waiting} 件申诉等待本单位答复",
                f"{appeals_url}?status=submitted",
                "申诉复核",
                due=due,
                urgent=True,
            )
    if access.can_manage(user):
        waiting = Appeal.objects.filter(status=AppealStatus.ANSWERED).count()
        if waiting:
            yield Todo(
                f"{waiting} 件申诉等待裁决",
                f"{appeals_url}?status=answered",
                "申诉复核",
                due=_appeal_due(),
                urgent=True,
            )
    if access.is_target(user):
        yield from _appeal_window_todo(user)
        # open 整改 items are problems of the tracker now: problems/todos.py lists them


def _appeal_window_todo(user: User) -> Iterator[Todo]:
    """The first of the target's campaigns whose appeal window is open now
    (`services.appeals.appeal_window_problem`, the rule appeal_create applies)."""
    windows = (
        PhaseDeadline.objects.filter(
            phase=Phase.APPEAL, campaign__phase=Phase.APPEAL, campaign__targets=user.org_id
        )
        .select_related("campaign")
        .order_by("due_on")
    )
    window = next((w for w in windows if appeal_services.appeal_window_problem(w.campaign) is None), None)
    if window is not None:
        yield Todo(
            f"{window.campaign.name}处于申诉复核期，可查看本单位得分并对有异议的得分提出申诉",
            reverse("assessments:target_scores", args=[window.campaign_id, user.org_id]),
            "申诉复核",
            due=window.due_on,
        )


def _appeal_due() -> date | None:
    window = (
        PhaseDeadline.objects.filter(phase=Phase.APPEAL, campaign__phase=Phase.APPEAL)
        .order_by("due_on")
        .first()
    )
    return window.due_on if window else None
