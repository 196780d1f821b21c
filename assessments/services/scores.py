"""Writes of 评分: an assessing unit's 经办 enters deductions/additions chosen
from the 评分细则 (the score is computed by `assessments.scoring`), submits
it; the unit's 审核 (a different person, with the other duty) approves or
sends it back. Only approved scores count. Who may do which is
`access.duty_refusal`.

An approved score is frozen: a 经办 saving or submitting it is refused
(`ScoreLocked`, 409 in the API). It changes only through an appeal decision
(`services.appeals.appeal_decide`) or the office's `score_reopen` with a
reason, which sends it back to the 经办 and then needs 审核 again.

Concurrency: every write names the version it started from; if someone saved
in between, the write is refused with a Chinese message and nothing changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from assessments import access, scoring
from assessments.models import (
    Duty,
    Method,
    Phase,
    Rule,
    RuleKind,
    RuleScope,
    Score,
    ScoreChange,
    ScoreChangeSource,
    ScoreItem,
    ScoreStatus,
)
from assessments.services.extensions import deadline_problem
from audit.services import audit_record, snapshot
from fazhi.errors import StaleEdit

FIELDS = (
    "score",
    "base",
    "veto",
    "status",
    "reason",
    "evidence_note",
    "entered_by_id",
    "reviewed_by_id",
    "version",
)


class ScoreConflict(StaleEdit):
    """Someone else saved this score since the form was opened (409 `conflict` in the API)."""


class ScoreLocked(StaleEdit):
    """The score was approved (possibly since the form was opened): only an
    appeal decision or the office's reopen changes it (409 `score_approved`)."""

    api_code = "score_approved"


LOCKED_MESSAGE = (
    "该评分已审核生效，不能再修改或重新提交。如需更改，请通过申诉裁决，或由依法治办填写理由后重新打开。"
)


@dataclass(frozen=True)
class ItemInput:
    rule_id: int
    count: int = 1
    reason: str = ""
    evidence_note: str = ""
    # 酌情扣分: the points the assessor chose within the rule's range
    points: Decimal | None = None


# items that take points (or everything) away need their reason stated
_REASONED = (RuleKind.DEDUCT, RuleKind.VETO, RuleKind.DISCRETIONARY, RuleKind.FULL)


def _item_points(rule: Rule, item: ItemInput, errors: list[str]) -> Decimal:
    """The points an item takes or gives: 酌情扣分 as chosen within its range,
    全额 its not-met value, otherwise per time × count up to the rule's cap."""
    if rule.kind == RuleKind.DISCRETIONARY:
        problems = scoring.discretionary_problems(
            chosen=item.points, low=rule.min_points, high=rule.max_points, reason=item.reason
        )
        errors.extend(f"细则 {rule.code}：{p}" for p in problems)
        return Decimal(item.points) if not problems and item.points is not None else Decimal("0")
    if rule.kind == RuleKind.FULL:
        return rule.points
    points = rule.points * item.count
    if rule.max_points is not None:
        points = min(points, rule.max_points)
    return points


def _conflict(score_pk: int) -> ScoreConflict:
    current = Score.objects.select_related("entered_by", "reviewed_by").get(pk=score_pk)
    who = (
        current.reviewed_by
        if current.status == ScoreStatus.APPROVED and current.reviewed_by
        else current.entered_by
    )
    name = who.display_name if who else "其他用户"
    when = timezone.localtime(current.updated_at).strftime("%H:%M:%S")
    return ScoreConflict(
        f"该评分已被{name}于 {when} 修改（当前为第 {current.version} 版），您的修改没有保存，以免覆盖对方的内容。"
        "请刷新查看最新内容后再修改。"
    )


def score_write(row: Score, expected_version: int, /, *, approved_ok: bool = False, **values: Any) -> None:
    """Compare-and-set on `version`: the one place a score row is written.
    An approved row is written only when the caller is the appeal decision or
    the office's reopen (`approved_ok`); the check is part of the UPDATE, so a
    score approved a moment ago is never saved over."""
    rows = Score.objects.filter(pk=row.pk, version=expected_version)
    if not approved_ok:
        rows = rows.exclude(status=ScoreStatus.APPROVED)
    updated = rows.update(version=F("version") + 1, updated_at=timezone.now(), **values)
    if not updated:
        current = Score.objects.filter(pk=row.pk).values_list("version", "status").first()
        if current == (expected_version, ScoreStatus.APPROVED):
            raise ScoreLocked(LOCKED_MESSAGE)
        raise _conflict(row.pk)
    row.refresh_from_db()


def entry_problem(actor: User, score: Score) -> Exception | None:
    """Why `actor` may not enter, save or submit `score` now, as the exception
    the services raise (PermissionDenied: not its duty; ValidationError: not
    the scoring phase; ScoreLocked: approved), or None. The pages ask it to
    offer the editor; `score_save` and `score_submit` raise it."""
    if refusal := access.duty_refusal(actor, Duty.ENTER, score):
        return PermissionDenied(refusal)
    if score.campaign.phase != Phase.SCORING:
        return ValidationError(f"当前阶段为「{score.campaign.get_phase_display()}」，不能修改评分。")
    if score.status == ScoreStatus.APPROVED:
        return ScoreLocked(LOCKED_MESSAGE)
    if late := deadline_problem(score.campaign, actor.org_id, Phase.SCORING):
        return ValidationError(late)
    return None


def review_problem(actor: User, score: Score) -> Exception | None:
    """Why `actor` may not approve or send back `score` now (审核), as the
    exception the services raise, or None: the scoring phase, the 审核 duty at
    the unit that entered it and not its own entry (`access.duty_refusal`, the
    two-person rule), and a score waiting for review. The pages ask it to
    offer the buttons; `score_approve` and `score_reject` raise it."""
    if score.campaign.phase != Phase.SCORING:
        return ValidationError(f"当前阶段为「{score.campaign.get_phase_display()}」，不能修改评分。")
    if refusal := access.duty_refusal(actor, Duty.REVIEW, score):
        return PermissionDenied(refusal)
    if score.status == ScoreStatus.APPROVED:
        return ScoreLocked(LOCKED_MESSAGE)
    if score.status != ScoreStatus.SUBMITTED:
        return ValidationError("只有待审核的评分可以审核。")
    if late := deadline_problem(score.campaign, actor.org_id, Phase.SCORING):
        return ValidationError(late)
    return None


def _raise_if(problem: Exception | None) -> None:
    if problem is not None:
        raise problem


def compute(
    *, indicator: Any, rules: dict[int, Rule], items: Sequence[ItemInput], base: Decimal | None
) -> tuple[scoring.IndicatorResult, list[ScoreItem], Decimal | None]:
    """The score of `items` on `indicator`; raises ValidationError with Chinese messages."""
    errors: list[str] = []
    score_items: list[ScoreItem] = []
    pure: list[scoring.Item] = []
    grade_base = base
    for item in items:
        rule = rules.get(item.rule_id)
        if rule is None:
            errors.append("所选评分细则不属于本指标。")
            continue
        if item.count < 1:
            errors.append(f"细则 {rule.code} 的次数须为正整数。")
            continue
        if rule.kind == RuleKind.GRADE:
            grade_base = rule.points
            score_items.append(
                ScoreItem(
                    rule=rule,
                    kind=RuleKind.GRADE,
                    points=rule.points,
                    reason=item.reason.strip(),
                    evidence_note=item.evidence_note.strip(),
                )
            )
            continue
        points = _item_points(rule, item, errors)
        if rule.kind in _REASONED and rule.kind != RuleKind.DISCRETIONARY and not item.reason.strip():
            errors.append(f"细则 {rule.code}「{rule.text[:20]}」须填写扣分理由。")
        score_items.append(
            ScoreItem(
                rule=rule,
                kind=rule.kind,
                count=item.count,
                points=points,
                reason=item.reason.strip(),
                evidence_note=item.evidence_note.strip(),
            )
        )
        pure.append(scoring.Item(kind=rule.kind, points=points, group=rule.scope == RuleScope.GROUP))
    grades = [i for i in score_items if i.kind == RuleKind.GRADE]
    if len(grades) > 1:
        errors.append("等级制指标只能选择一个等级。")
    if indicator.method == Method.GRADE:
        if grade_base is None:
            errors.append("等级制指标须选择等级或填写等级分。")
        else:
            errors.extend(scoring.points_problems(max_score=indicator.max_score, score=grade_base))
    if errors:
        raise ValidationError(errors)
    result = scoring.indicator_score(
        max_score=indicator.max_score,
        method=indicator.method,
        items=pure,
        base=grade_base if indicator.method == Method.GRADE else None,
        bonus_cap=indicator.bonus_cap,
        overflow=indicator.overflow,
    )
    return result, score_items, grade_base if indicator.method == Method.GRADE else None


@transaction.atomic
def score_save(
    *,
    actor: User,
    score: Score,
    expected_version: int,
    items: Iterable[ItemInput] = (),
    base: Decimal | None = None,
    reason: str = "",
    evidence_note: str = "",
    submit: bool = False,
    claimed_score: Decimal | None = None,
) -> Score:
    """经办 saves a score (draft, or submitted for 审核 with `submit`).
    `claimed_score`, when a client states the score it expects, must be in
    [0, 分值] and equal the score computed from the items."""
    _raise_if(entry_problem(actor, score))
    indicator = score.indicator
    if claimed_score is not None:
        problems = scoring.points_problems(max_score=indicator.max_score, score=claimed_score)
        if problems:
            raise ValidationError({"score": problems})
    items = list(items)
    rules = {r.pk: r for r in indicator.rules.all()}
    result, score_items, grade_base = compute(indicator=indicator, rules=rules, items=items, base=base)
    if claimed_score is not None and claimed_score != result.score:
        raise ValidationError(
            {"score": f"按所选评分细则计算得分为 {result.score} 分，与填写的 {claimed_score} 分不一致。"}
        )
    reason = reason.strip() or "；".join(i.reason for i in score_items if i.reason)
    problems = scoring.validate_score(max_score=indicator.max_score, score=result.score, reason=reason)
    if problems:
        raise ValidationError(problems)
    before = snapshot(score, FIELDS)
    old_value = score.score
    score_write(
        score,
        expected_version,
        score=result.score,
        base=grade_base,
        veto=result.veto,
        reason=reason,
        evidence_note=evidence_note.strip(),
        status=ScoreStatus.SUBMITTED if submit else ScoreStatus.DRAFT,
        assessor_org_id=actor.org_id,
        entered_by_id=actor.pk,
        entered_at=timezone.now(),
        reviewed_by_id=None,
        approved_at=None,
    )
    score.items.all().delete()
    for item in score_items:
        item.score = score
    ScoreItem.objects.bulk_create(score_items)
    if old_value != score.score:
        ScoreChange.objects.create(
            score=score,
            before=old_value,
            after=score.score,
            changed_by=actor,
            source=ScoreChangeSource.SCORING,
            note=reason[:500],
        )
    audit_record(
        actor=actor,
        action="assessments.score.submitted" if submit else "assessments.score.updated",
        target=score,
        before=before,
        after=snapshot(score, FIELDS),
        data={"items": [(i.rule_id, i.kind, i.points) for i in score_items]},
    )
    return score


@transaction.atomic
def score_submit(*, actor: User, score: Score, expected_version: int) -> Score:
    _raise_if(entry_problem(actor, score))
    if score.score is None:
        raise ValidationError("尚未评分，不能提交审核。")
    if score.status != ScoreStatus.DRAFT:
        raise ValidationError("只有经办填写状态的评分可以提交审核。")
    score_write(score, expected_version, status=ScoreStatus.SUBMITTED)
    audit_record(
        actor=actor,
        action="assessments.score.submitted",
        target=score,
        after={"status": ScoreStatus.SUBMITTED},
    )
    return score


@transaction.atomic
def score_approve(*, actor: User, score: Score, expected_version: int, note: str = "") -> Score:
    """审核 by the unit's reviewer (not the 经办): the score now counts."""
    _raise_if(review_problem(actor, score))
    now = timezone.now()
    score_write(
        score,
        expected_version,
        status=ScoreStatus.APPROVED,
        reviewed_by_id=actor.pk,
        approved_at=now,
        review_note=note.strip(),
    )
    ScoreChange.objects.create(
        score=score,
        before=score.score,
        after=score.score,
        changed_by=actor,
        source=ScoreChangeSource.REVIEW,
        note=note.strip() or "审核通过",
    )
    audit_record(
        actor=actor,
        action="assessments.score.approved",
        target=score,
        after={"status": ScoreStatus.APPROVED, "score": score.score, "reviewed_by_id": actor.pk},
    )
    return score


@transaction.atomic
def score_reject(*, actor: User, score: Score, expected_version: int, note: str) -> Score:
    """审核 sends the score back to 经办 with a note."""
    _raise_if(review_problem(actor, score))
    if not note.strip():
        raise ValidationError({"note": "退回时须填写审核意见。"})
    score_write(score, expected_version, status=ScoreStatus.DRAFT, review_note=note.strip())
    audit_record(
        actor=actor,
        action="assessments.score.rejected",
        target=score,
        after={"status": ScoreStatus.DRAFT},
        data={"note": note.strip()},
    )
    return score


@transaction.atomic
def score_reopen(*, actor: User, score: Score, expected_version: int, reason: str) -> Score:
    """The office reopens an approved score, with a reason, while scoring is
    open: it goes back to the 经办 as a draft and needs 审核 again. After the
    scoring phase an approved score changes only through an appeal decision."""
    if not access.can_manage(actor):
        raise PermissionDenied("只有依法治办可以重新打开已审核生效的评分。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "重新打开评分须填写理由。"})
    if score.campaign.phase != Phase.SCORING:
        raise ValidationError(
            f"当前阶段为「{score.campaign.get_phase_display()}」，不能重新打开评分；"
            "评分阶段结束后，已生效的评分只能通过申诉裁决更改。"
        )
    if score.status != ScoreStatus.APPROVED:
        raise ValidationError("只有已审核生效的评分需要重新打开，未生效的评分由经办直接修改。")
    before = snapshot(score, FIELDS)
    score_write(
        score,
        expected_version,
        approved_ok=True,
        status=ScoreStatus.DRAFT,
        reviewed_by_id=None,
        approved_at=None,
        review_note=f"依法治办重新打开：{reason}",
    )
    ScoreChange.objects.create(
        score=score,
        before=score.score,
        after=score.score,
        changed_by=actor,
        source=ScoreChangeSource.REOPEN,
        note=reason[:500],
    )
    audit_record(
        actor=actor,
        action="assessments.score.reopened",
        target=score,
        before=before,
        after=snapshot(score, FIELDS),
        data={"reason": reason},
    )
    return score


@transaction.atomic
def score_approve_many(*, actor: User, scores: Iterable[Score]) -> tuple[int, list[str]]:
    """Approve each score the actor may approve (at its current version); the
    rest are reported, not approved."""
    done, skipped = 0, []
    for score in scores:
        try:
            score_approve(actor=actor, score=score, expected_version=score.version)
        except (ValidationError, PermissionDenied) as exc:
            msg = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            skipped.append(f"{score.target.display_name} {score.indicator.code}：{msg}")
        else:
            done += 1
    return done, skipped
