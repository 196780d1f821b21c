"""Writes of 自评: a target saves drafts, submits; the office returns an item
with a reason; the target revises and resubmits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessments import access
from assessments.models import Campaign, Phase, SelfAssessment, SelfAssessmentStatus
from assessments.services.extensions import deadline_problem
from attachments.models import Attachment
from audit.services import audit_record, diff, snapshot
from orgs.models import Org

FIELDS = ("self_score", "narrative", "status", "return_reason")


def _editable(sa: SelfAssessment) -> None:
    phase = sa.campaign.phase
    if sa.status == SelfAssessmentStatus.SUBMITTED:
        raise ValidationError("该项自评已提交，如需修改请联系依法治办退回。")
    if phase == Phase.SELF_ASSESS:
        if problem := deadline_problem(sa.campaign, sa.target_id, Phase.SELF_ASSESS):
            raise ValidationError(problem)
        return
    # an item the office returned during 考评评分 is revised whatever the date
    if phase == Phase.SCORING and sa.status == SelfAssessmentStatus.RETURNED:
        return
    raise ValidationError(f"当前阶段为「{sa.campaign.get_phase_display()}」，不能填报自评。")


def _own(actor: User, sa: SelfAssessment) -> None:
    if not (access.is_target(actor) and actor.org_id == sa.target_id):
        raise PermissionDenied("只能填报本单位的自评。")


def _check_score(sa: SelfAssessment, self_score: Decimal | None) -> None:
    if self_score is None:
        return
    maximum = sa.indicator.max_score
    if self_score < 0 or self_score > maximum:
        raise ValidationError(
            {
                "self_score": f"自评分须在 0 至 {maximum.normalize():f} 分之间（本指标分值 {maximum.normalize():f} 分）。"
            }
        )
    if self_score != self_score.quantize(Decimal("0.01")):
        raise ValidationError({"self_score": "自评分最多保留两位小数。"})


@transaction.atomic
def self_assessment_save(
    *,
    actor: User,
    sa: SelfAssessment,
    self_score: Decimal | None,
    narrative: str,
    evidence: Iterable[Any] | None = None,
) -> SelfAssessment:
    """Save a draft (a returned item stays 'returned' until resubmitted)."""
    sa = SelfAssessment.objects.select_for_update().select_related("campaign", "indicator").get(pk=sa.pk)
    _own(actor, sa)
    _editable(sa)
    _check_score(sa, self_score)
    before = snapshot(sa, FIELDS)
    sa.self_score = self_score
    sa.narrative = narrative.strip()
    sa.updated_by = actor
    sa.save()
    data = None
    if evidence is not None:
        evidence = list(evidence)
        for attachment in evidence:
            if attachment.org_id != sa.target_id:
                raise ValidationError("只能引用本单位上传的佐证材料。")
        sa.evidence.set(evidence)
        data = {"evidence": [str(a.pk) for a in evidence]}
    b, a = diff(before, snapshot(sa, FIELDS))
    if a or data:
        audit_record(
            actor=actor, action="assessments.self_assessment.updated", target=sa, before=b, after=a, data=data
        )
    return sa


@transaction.atomic
def self_assessment_evidence_add(
    *, actor: User, sa: SelfAssessment, files: Sequence[UploadedFile]
) -> tuple[list[Attachment], list[str]]:
    """Store evidence files of the target's own self-assessment through the
    attachments service (content check, size limit, hash) and link them, each
    audited. Refused as a whole (nothing stored) when the item may not be
    edited; a file that fails its check is reported ("name：reason") and the
    others are kept. Returns (stored, problems)."""
    from attachments.services import attachment_create

    sa = SelfAssessment.objects.select_for_update().select_related("campaign", "target").get(pk=sa.pk)
    if not access.is_own_target(actor, sa.target_id):
        raise PermissionDenied("只能为本单位的自评上传佐证材料。")
    _editable(sa)
    if not files:
        raise ValidationError("请选择要上传的文件。")
    stored, problems = [], []
    for uploaded in files:
        try:
            with transaction.atomic():
                attachment = attachment_create(actor=actor, uploaded_file=uploaded, org=sa.target)
                sa.evidence.add(attachment)
                audit_record(
                    actor=actor,
                    action="assessments.self_assessment.evidence_added",
                    target=sa,
                    data={"attachment": str(attachment.pk), "name": attachment.original_name},
                )
        except ValidationError as exc:
            problems.append(f"{uploaded.name}：{exc.messages[0]}")
        else:
            stored.append(attachment)
    return stored, problems


def _submit_problems(sa: SelfAssessment) -> list[str]:
    problems = []
    if sa.self_score is None:
        problems.append("未填写自评分")
    if not sa.narrative.strip():
        problems.append("未填写自评说明")
    if sa.indicator.evidence_mandatory and not sa.evidence.exists():
        problems.append("本指标佐证材料必须上传，尚未上传佐证材料")
    return problems


@transaction.atomic
def self_assessment_submit(*, actor: User, sa: SelfAssessment) -> SelfAssessment:
    sa = SelfAssessment.objects.select_for_update().select_related("campaign", "indicator").get(pk=sa.pk)
    _own(actor, sa)
    _editable(sa)
    problems = _submit_problems(sa)
    if problems:
        raise ValidationError(f"指标 {sa.indicator.code} 不能提交：{'、'.join(problems)}。")
    before = snapshot(sa, FIELDS)
    sa.status = SelfAssessmentStatus.SUBMITTED
    sa.submitted_at = timezone.now()
    sa.submitted_by = actor
    sa.updated_by = actor
    sa.save()
    b, a = diff(before, snapshot(sa, FIELDS))
    audit_record(actor=actor, action="assessments.self_assessment.submitted", target=sa, before=b, after=a)
    return sa


@transaction.atomic
def self_assessment_submit_all(*, actor: User, campaign: Campaign, target: Org) -> tuple[int, list[str]]:
    """Submit every complete draft of a target; returns (count, problems of the rest)."""
    if not (access.is_target(actor) and actor.org_id == target.pk):
        raise PermissionDenied("只能提交本单位的自评。")
    if campaign.phase not in (Phase.SELF_ASSESS, Phase.SCORING):
        raise ValidationError(f"当前阶段为「{campaign.get_phase_display()}」，不能提交自评。")
    if campaign.phase == Phase.SELF_ASSESS and (
        problem := deadline_problem(campaign, target.pk, Phase.SELF_ASSESS)
    ):
        raise ValidationError(problem)
    rows = list(
        SelfAssessment.objects.select_for_update()
        .filter(campaign=campaign, target=target)
        .exclude(status=SelfAssessmentStatus.SUBMITTED)
        .select_related("indicator")
        .order_by("indicator__section__order", "indicator__order", "indicator__code")
    )
    if campaign.phase == Phase.SCORING:
        rows = [r for r in rows if r.status == SelfAssessmentStatus.RETURNED]
    now = timezone.now()
    done, problems = [], []
    for sa in rows:
        issue = _submit_problems(sa)
        if issue:
            problems.append(f"{sa.indicator.code} {sa.indicator.name}：{'、'.join(issue)}")
            continue
        sa.status = SelfAssessmentStatus.SUBMITTED
        sa.submitted_at, sa.submitted_by, sa.updated_by = now, actor, actor
        done.append(sa)
    SelfAssessment.objects.bulk_update(
        done, ["status", "submitted_at", "submitted_by", "updated_by", "updated_at"]
    )
    if done:
        audit_record(
            actor=actor,
            action="assessments.self_assessment.submitted",
            target=campaign,
            target_repr=f"{campaign} {target.display_name}",
            data={"target": target.pk, "indicators": [sa.indicator_id for sa in done]},
        )
    return len(done), problems


@transaction.atomic
def self_assessment_return(*, actor: User, sa: SelfAssessment, reason: str) -> SelfAssessment:
    """The office sends a submitted item back to the target with a reason."""
    if not access.can_manage(actor):
        raise PermissionDenied("只有依法治办可以退回自评。")
    sa = SelfAssessment.objects.select_for_update().select_related("campaign", "indicator").get(pk=sa.pk)
    if sa.status != SelfAssessmentStatus.SUBMITTED:
        raise ValidationError("只能退回已提交的自评。")
    if sa.campaign.phase not in (Phase.SELF_ASSESS, Phase.SCORING):
        raise ValidationError(f"当前阶段为「{sa.campaign.get_phase_display()}」，不能退回自评。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回原因。"})
    before = snapshot(sa, FIELDS)
    sa.status = SelfAssessmentStatus.RETURNED
    sa.return_reason = reason.strip()
    sa.returned_by = actor
    sa.save()
    b, a = diff(before, snapshot(sa, FIELDS))
    audit_record(actor=actor, action="assessments.self_assessment.returned", target=sa, before=b, after=a)
    return sa
