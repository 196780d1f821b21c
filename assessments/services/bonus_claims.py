"""加分申报: a target applies for the points of a 加分 indicator with evidence
during 自评填报 (its deadline and 延期 apply as to the self-assessment), and may
withdraw while that phase is open. The claim is scored by the indicator's
responsible unit through the indicator's own score (`services.scores`, 经办 and
审核), so the outcome is that approved score and it reaches the composite's
bonus, capped by the campaign's 加分上限, like any 加分 score."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from assessments import access
from assessments.models import (
    BonusClaim,
    BonusClaimStatus,
    Campaign,
    Indicator,
    Method,
    Phase,
    Rule,
    RuleKind,
    Score,
    ScoreStatus,
)
from assessments.services.extensions import deadline_problem
from audit.services import audit_record

MAX_FILES = 10


def bonus_indicators(campaign: Campaign, target_id: int) -> list[Indicator]:
    """The 加分 indicators of the campaign's framework that apply to the target."""
    qs = Indicator.objects.filter(section__framework=campaign.framework_id, method=Method.BONUS)
    return list(
        access.applicable_to(qs, target_id).prefetch_related("rules").order_by("section__order", "order")
    )


def claim_problem(actor: User, campaign: Campaign, target_id: int) -> str | None:
    """Why `actor` may not file or withdraw a claim for `target_id` now, or None."""
    if not access.is_own_target(actor, target_id):
        return "只能为本单位申报加分。"
    if campaign.phase != Phase.SELF_ASSESS:
        return f"加分申报在「自评填报」阶段进行，当前阶段为「{campaign.get_phase_display()}」。"
    return deadline_problem(campaign, target_id, Phase.SELF_ASSESS)


def _check(
    campaign: Campaign, target_id: int, indicator: Indicator, rule: Rule | None, points: Decimal, reason: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if indicator.pk not in {i.pk for i in bonus_indicators(campaign, target_id)}:
        errors["indicator"] = "所选项目不是本次考评适用于本单位的加分项目。"
        return errors
    if rule is not None and (rule.indicator_id != indicator.pk or rule.kind != RuleKind.ADD):
        errors["rule"] = "所选细则不是该加分项目的加分细则。"
    cap = indicator.bonus_cap if indicator.bonus_cap is not None else indicator.max_score
    if points <= 0 or points > cap:
        errors["claimed_points"] = f"申报分值须大于 0 且不超过该项目的加分上限 {cap.normalize():f} 分。"
    elif points != points.quantize(Decimal("0.01")):
        errors["claimed_points"] = "申报分值最多保留两位小数。"
    if not reason.strip():
        errors["reason"] = "请填写申报理由。"
    return errors


@transaction.atomic
def bonus_claim_create(
    *,
    actor: User,
    campaign: Campaign,
    indicator: Indicator,
    rule: Rule | None,
    title: str,
    claimed_points: Decimal,
    reason: str,
    files: Sequence[UploadedFile],
) -> BonusClaim:
    """File a claim with its evidence files (at least one); a file that fails
    the attachment checks refuses the whole claim, nothing is kept."""
    from attachments.services import attachment_create

    target = actor.org
    if target is None or (problem := claim_problem(actor, campaign, target.pk)):
        raise PermissionDenied(problem if target else "只能为本单位申报加分。")
    if not campaign.targets.filter(pk=target.pk).exists():
        raise PermissionDenied("本单位不是本次考评的被考评单位。")
    title = (title or "").strip() or (rule.text[:200] if rule else "")
    errors = _check(campaign, target.pk, indicator, rule, claimed_points, reason)
    if not title:
        errors["title"] = "请填写申报事项（自拟事项须写明名称）。"
    if not files:
        errors["files"] = "请上传佐证材料。"
    elif len(files) > MAX_FILES:
        errors["files"] = f"一次最多上传 {MAX_FILES} 个文件。"
    if errors:
        raise ValidationError(errors)
    claim = BonusClaim.objects.create(
        campaign=campaign,
        target=target,
        indicator=indicator,
        rule=rule,
        title=title[:200],
        claimed_points=claimed_points,
        reason=reason.strip(),
        created_by=actor,
    )
    for uploaded in files:
        try:
            claim.evidence.add(attachment_create(actor=actor, uploaded_file=uploaded, org=target))
        except ValidationError as exc:
            raise ValidationError({"files": f"{uploaded.name}：{exc.messages[0]}"}) from None
    audit_record(
        actor=actor,
        action="assessments.bonus_claim.submitted",
        target=claim,
        after={
            "indicator": indicator.code,
            "rule": rule.code if rule else None,
            "title": claim.title,
            "claimed_points": claimed_points,
        },
        data={"evidence": [str(a.pk) for a in claim.evidence.all()]},
    )
    return claim


@transaction.atomic
def bonus_claim_withdraw(*, actor: User, claim: BonusClaim) -> BonusClaim:
    claim = BonusClaim.objects.select_for_update().select_related("campaign").get(pk=claim.pk)
    if problem := claim_problem(actor, claim.campaign, claim.target_id):
        raise PermissionDenied(problem)
    if claim.status != BonusClaimStatus.SUBMITTED:
        raise ValidationError("该加分申报已撤回。")
    claim.status = BonusClaimStatus.WITHDRAWN
    claim.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="assessments.bonus_claim.withdrawn",
        target=claim,
        before={"status": BonusClaimStatus.SUBMITTED},
        after={"status": BonusClaimStatus.WITHDRAWN},
    )
    return claim


def claim_score(claim: BonusClaim) -> Score | None:
    """The score that decides the claim: its indicator's score of the target."""
    return Score.objects.filter(
        campaign=claim.campaign_id, target=claim.target_id, indicator=claim.indicator_id
    ).first()


def claims_of_score(score: Score) -> list[BonusClaim]:
    """The live claims the unit scores with `score` (shown in its score editor)."""
    return list(
        BonusClaim.objects.filter(
            campaign=score.campaign_id,
            target=score.target_id,
            indicator=score.indicator_id,
            status=BonusClaimStatus.SUBMITTED,
        )
        .select_related("rule")
        .prefetch_related("evidence")
        .order_by("created_at", "pk")
    )


def claim_outcome(user: User, claim: BonusClaim, score: Score | None) -> tuple[str, Decimal | None]:
    """(what `user` is told of the outcome, the points when it may see them)."""
    if claim.status == BonusClaimStatus.WITHDRAWN:
        return "已撤回", None
    if score is None or score.score is None:
        return "待评分", None
    if score.status != ScoreStatus.APPROVED:
        return ("待审核" if score.status == ScoreStatus.SUBMITTED else "评分中"), None
    if access.can_see_target_scores(user, claim.campaign, claim.target_id) or access.owns_indicator(
        user, claim.indicator
    ):
        return f"已评定：该加分项目得 {score.score.normalize():f} 分", score.score
    return "已评定（结果反馈阶段可查看得分）", None
