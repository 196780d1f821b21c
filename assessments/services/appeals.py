"""Writes of 申诉复核: a target appeals one of its approved scores within the
appeal window (`appeal_refusal` is the one statement of who may appeal
what and when), the responsible assessing unit answers, the office decides.
A changed score is written through the same compare-and-set as every score
write (`services.scores.score_write`) with a ScoreChange row (source
"appeal") so its history is kept; besides this, only the office's reopen
(`services.scores.score_reopen`) changes a score after approval."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessments import access, scoring
from assessments.models import (
    Appeal,
    AppealDecision,
    AppealStatus,
    Campaign,
    Phase,
    Score,
    ScoreChange,
    ScoreChangeSource,
    ScoreStatus,
)
from assessments.selectors import appeals as appeal_selectors
from assessments.services import scores as score_services
from audit.services import audit_record

# phases in which an open appeal may still be answered and decided
HANDLING_PHASES = (Phase.APPEAL, Phase.FINAL_REVIEW)


def appeal_window_problem(campaign: Campaign, *, today: datetime.date | None = None) -> str | None:
    """Why an appeal cannot be lodged now (a Chinese sentence), or None."""
    today = today or timezone.localdate()
    window = appeal_selectors.appeal_window(campaign)
    if campaign.phase != Phase.APPEAL:
        if campaign.phase_index > Phase.values.index(Phase.APPEAL) or (window and today > window.due_on):
            due = f"已于 {window.due_on:%Y-%m-%d} 截止" if window else "已结束"
            return f"申诉期{due}，不能再提出申诉。"
        return f"当前阶段为「{campaign.get_phase_display()}」，尚未进入申诉复核期。"
    if window is not None:
        if window.starts_on and today < window.starts_on:
            return f"申诉期自 {window.starts_on:%Y-%m-%d} 开始，届时方可提出申诉。"
        if today > window.due_on:
            return f"申诉期已于 {window.due_on:%Y-%m-%d} 截止，不能再提出申诉。"
    return None


def appeal_refusal(
    user: User, score: Score, *, window_problem: str | None, appealed: bool
) -> Exception | None:
    """Why `user` may not appeal `score`, as the exception `appeal_create`
    raises, or None: the one statement of appeal eligibility, which the pages
    ask before offering the button. Only the target itself (PermissionDenied),
    within the window (`window_problem`, from `appeal_window_problem`), on an
    approved score below full marks, once (`appealed`: it has an appeal)."""
    if not access.is_own_target(user, score.target_id):
        return PermissionDenied("只有被考评单位本单位可以对本单位的得分提出申诉。")
    if window_problem:
        return ValidationError(window_problem)
    if score.status != ScoreStatus.APPROVED:
        return ValidationError("该评分尚未审核生效，不能申诉。")
    if score.score is not None and score.score >= score.indicator.max_score:
        return ValidationError("该项为满分，没有可申诉的失分。")
    if appealed:
        return ValidationError("该项得分已提出过申诉，每项得分只能申诉一次。")
    return None


def _clean_text(value: str, *, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


@transaction.atomic
def appeal_create(*, actor: User, score: Score, reason: str, evidence: Iterable[Any] = ()) -> Appeal:
    """A target appeals one of its approved scores, within the appeal window (`appeal_refusal`)."""
    campaign = Campaign.objects.select_for_update().get(pk=score.campaign_id)
    refusal = appeal_refusal(
        actor,
        score,
        window_problem=appeal_window_problem(campaign),
        appealed=Appeal.objects.filter(score=score).exists(),
    )
    if refusal is not None:
        raise refusal
    reason = _clean_text(reason, field="reason", message="请填写申诉理由。")
    files = list(evidence)
    for attachment in files:
        if attachment.org_id != actor.org_id:
            raise ValidationError({"evidence": "只能附本单位上传的材料。"})
    appeal = Appeal.objects.create(
        campaign=campaign, target_id=score.target_id, score=score, reason=reason, created_by=actor
    )
    if files:
        appeal.evidence.set(files)
    audit_record(
        actor=actor,
        action="assessments.appeal.created",
        target=appeal,
        after={"score": score.pk, "reason": reason, "evidence": [str(a.pk) for a in files]},
    )
    return appeal


@transaction.atomic
def appeal_answer(*, actor: User, appeal: Appeal, answer: str) -> Appeal:
    """The responsible assessing unit answers an appeal (once)."""
    appeal = (
        Appeal.objects.select_for_update().select_related("campaign", "score__indicator").get(pk=appeal.pk)
    )
    if not access.may_answer_appeal(actor, appeal):
        raise PermissionDenied("只有负责该指标的考评单位可以答复申诉。")
    if appeal.status != AppealStatus.SUBMITTED:
        raise ValidationError("该申诉已答复，不能重复答复。")
    if appeal.campaign.phase not in HANDLING_PHASES:
        raise ValidationError(f"当前阶段为「{appeal.campaign.get_phase_display()}」，不能答复申诉。")
    appeal.answer = _clean_text(answer, field="answer", message="请填写答复意见。")
    appeal.answered_by = actor
    appeal.answered_at = timezone.now()
    appeal.status = AppealStatus.ANSWERED
    appeal.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    audit_record(
        actor=actor,
        action="assessments.appeal.answered",
        target=appeal,
        before={"status": AppealStatus.SUBMITTED},
        after={"status": appeal.status, "answer": appeal.answer},
    )
    return appeal


def parse_points(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"decided_score": "裁决得分须为数字。"})
    if not result.is_finite():
        raise ValidationError({"decided_score": "裁决得分须为数字。"})
    return result


def _require_decidable(appeal: Appeal, decision: str) -> None:
    """An answered, undecided appeal, while appeals are handled, and a known decision."""
    if appeal.status == AppealStatus.DECIDED:
        raise ValidationError("该申诉已裁决，不能重复裁决。")
    if appeal.status != AppealStatus.ANSWERED:
        raise ValidationError("考评单位尚未答复，暂不能裁决。")
    if appeal.campaign.phase not in HANDLING_PHASES:
        raise ValidationError(f"当前阶段为「{appeal.campaign.get_phase_display()}」，不能裁决申诉。")
    if decision not in AppealDecision.values:
        raise ValidationError({"decision": "请选择裁决结果（维持或改分）。"})


def _check_decided_score(score: Score, maximum: Decimal, decided_score: Decimal | None, note: str) -> None:
    """改分: points within [0, 分值] (the same rule as entering a score), a note
    below full marks, and a score that differs from the one appealed."""
    if decided_score is None:
        raise ValidationError({"decided_score": "改分时须填写裁决得分。"})
    errors: dict[str, list[str]] = {}
    if points := scoring.points_problems(max_score=maximum, score=decided_score):
        errors["decided_score"] = points
    if scoring.reason_missing(max_score=maximum, score=decided_score, reason=note):
        errors["decision_note"] = ["得分低于满分时须填写裁决说明。"]
    if errors:
        raise ValidationError(errors)
    if decided_score == score.score:
        raise ValidationError({"decided_score": "裁决得分与原得分相同，请选择“维持”。"})


@transaction.atomic
def appeal_decide(
    *, actor: User, appeal: Appeal, decision: str, decided_score: Decimal | None = None, note: str = ""
) -> Appeal:
    """The office decides an answered appeal: 维持 keeps the score; 改分 sets
    it to `decided_score` (within [0, 分值]) with a ScoreChange row."""
    if not access.can_manage(actor):
        raise PermissionDenied("只有依法治办可以裁决申诉。")
    appeal = (
        Appeal.objects.select_for_update().select_related("campaign", "score__indicator").get(pk=appeal.pk)
    )
    _require_decidable(appeal, decision)
    note = (note or "").strip()
    score = Score.objects.select_for_update().get(pk=appeal.score_id)
    if decision == AppealDecision.CHANGED:
        _check_decided_score(score, appeal.score.indicator.max_score, decided_score, note)
    elif not note:
        raise ValidationError({"decision_note": "请填写裁决说明。"})
    before = score.score
    if decision == AppealDecision.CHANGED:
        # the same compare-and-set as every score write; an appeal decision is
        # one of the two ways an approved score may change (the other: reopen)
        score_services.score_write(score, score.version, approved_ok=True, score=decided_score)
        ScoreChange.objects.create(
            score=score,
            before=before,
            after=decided_score,
            changed_by=actor,
            source=ScoreChangeSource.APPEAL,
            note=note,
            appeal=appeal,
        )
    appeal.decision = decision
    appeal.decided_score = decided_score if decision == AppealDecision.CHANGED else None
    appeal.decision_note = note
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.status = AppealStatus.DECIDED
    appeal.save(
        update_fields=["decision", "decided_score", "decision_note", "decided_by", "decided_at", "status"]
    )
    audit_record(
        actor=actor,
        action="assessments.appeal.decided",
        target=appeal,
        before={"status": AppealStatus.ANSWERED, "score": before},
        after={
            "status": appeal.status,
            "decision": decision,
            "score": decided_score if decision == AppealDecision.CHANGED else before,
        },
        data={"score_id": score.pk, "note": note},
    )
    return appeal
