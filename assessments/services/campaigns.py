"""Writes of 年度考评: create, deadlines, phase advance (with the check of what is
still missing), and the rows each phase works on."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessments.models import (
    PHASE_ORDER,
    Campaign,
    Framework,
    FrameworkStatus,
    Phase,
    PhaseChange,
    PhaseDeadline,
    Score,
    SelfAssessment,
    default_grade_rules,
)
from assessments.selectors import appeals as appeal_selectors
from assessments.selectors import campaigns as campaign_selectors
from audit.services import audit_record, snapshot
from orgs.models import Org

CAMPAIGN_FIELDS = ("year", "name", "framework_id", "phase", "social_weight", "bonus_cap", "remind_days")
PHASE_LABEL = dict(Phase.choices)
Deadlines = Mapping[str, tuple[datetime.date | None, datetime.date]]


def _validate_deadlines(
    deadlines: Deadlines, *, today: datetime.date, keep: Mapping[str, datetime.date] | None = None
) -> None:
    """Dates in phase order, none in the past (an unchanged date in `keep` may be)."""
    errors = []
    keep = keep or {}
    previous: tuple[str, datetime.date] | None = None
    for phase in PHASE_ORDER:
        if phase not in deadlines:
            continue
        starts, due = deadlines[phase]
        label = PHASE_LABEL[phase]
        if due is None:
            errors.append(f"请填写「{label}」的截止日期。")
            continue
        if due < today and keep.get(phase) != due:
            errors.append(
                f"「{label}」截止日期 {due:%Y-%m-%d} 已过，请选择今天（{today:%Y-%m-%d}）或以后的日期。"
            )
        if starts is not None and starts > due:
            errors.append(f"「{label}」的开始日期不能晚于截止日期。")
        if previous is not None and due < previous[1]:
            errors.append(
                f"「{label}」截止日期不能早于「{PHASE_LABEL[previous[0]]}」截止日期 {previous[1]:%Y-%m-%d}。"
            )
        previous = (phase, due)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(
    *,
    actor: User | None,
    year: int,
    name: str,
    framework: Framework,
    targets: Iterable[Org],
    deadlines: Deadlines,
    assessors: Iterable[Org] | None = None,
    social_weight: Decimal = Decimal("0"),
    bonus_cap: Decimal = Decimal("5"),
    grade_rules: dict[str, Any] | None = None,
    remind_days: int = 3,
    allow_past_deadlines: bool = False,
) -> Campaign:
    """A campaign in phase 部署. The framework must be locked (it is what the
    targets and assessing units work against). `allow_past_deadlines` is only
    for recording past years' campaigns (demo data, migration of old records)."""
    targets = list(targets)
    errors = []
    if framework.status != FrameworkStatus.LOCKED:
        errors.append("所选考评办法尚未锁定，请先在考评办法页面检查分值并锁定。")
    if not targets:
        errors.append("请至少选择一个被考评单位。")
    non_targets = [t.display_name for t in targets if not t.is_target]
    if non_targets:
        errors.append(f"以下单位不是被考评单位：{'、'.join(non_targets)}。")
    if social_weight is None or not (Decimal("0") <= social_weight <= Decimal("1")):
        errors.append("社会评议权重须在 0 至 1 之间。")
    if bonus_cap is None or bonus_cap < 0:
        errors.append("加分上限不能为负数。")
    needed = {
        o.pk: o for o in Org.objects.filter(assessed_indicators__section__framework=framework).distinct()
    }
    assessors = list(assessors) if assessors is not None else list(needed.values())
    missing = [o.display_name for pk, o in needed.items() if pk not in {a.pk for a in assessors}]
    if missing:
        errors.append(f"以下单位负责本办法中的指标，须列为考评单位：{'、'.join(missing)}。")
    if errors:
        raise ValidationError(errors)
    if not allow_past_deadlines:
        _validate_deadlines(deadlines, today=timezone.localdate())
    campaign = Campaign.objects.create(
        year=year,
        name=name.strip(),
        framework=framework,
        social_weight=social_weight,
        bonus_cap=bonus_cap,
        grade_rules=grade_rules or default_grade_rules(),
        remind_days=remind_days,
        created_by=actor,
    )
    campaign.targets.set(targets)
    campaign.assessors.set(assessors)
    PhaseDeadline.objects.bulk_create(
        [
            PhaseDeadline(campaign=campaign, phase=phase, starts_on=starts, due_on=due)
            for phase, (starts, due) in deadlines.items()
        ]
    )
    audit_record(
        actor=actor,
        action="assessments.campaign.created",
        target=campaign,
        after={
            **snapshot(campaign, CAMPAIGN_FIELDS),
            "targets": [t.pk for t in targets],
            "assessors": [a.pk for a in assessors],
            "deadlines": {p: d[1] for p, d in deadlines.items()},
        },
    )
    return campaign


@transaction.atomic
def campaign_set_deadlines(*, actor: User, campaign: Campaign, deadlines: Deadlines) -> Campaign:
    if campaign.phase == Phase.PUBLISHED:
        raise ValidationError("考评结果已公布，不能再修改时限。")
    current = campaign_selectors.deadline_map(campaign)
    _validate_deadlines(deadlines, today=timezone.localdate(), keep={p: d.due_on for p, d in current.items()})
    before = {p: d.due_on for p, d in current.items()}
    for phase, (starts, due) in deadlines.items():
        PhaseDeadline.objects.update_or_create(
            campaign=campaign, phase=phase, defaults={"starts_on": starts, "due_on": due}
        )
    after = {p: d[1] for p, d in deadlines.items()}
    audit_record(
        actor=actor,
        action="assessments.campaign.deadlines_updated",
        target=campaign,
        before={p: v for p, v in before.items() if after.get(p) != v},
        after={p: v for p, v in after.items() if before.get(p) != v},
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor: User, campaign: Campaign, **fields: Any) -> Campaign:
    """Name, social weight, bonus cap, grade rules, reminder days (until published)."""
    if campaign.phase == Phase.PUBLISHED:
        raise ValidationError("考评结果已公布，不能再修改设置。")
    weight = fields.get("social_weight", campaign.social_weight)
    if weight is None or not (Decimal("0") <= weight <= Decimal("1")):
        raise ValidationError({"social_weight": "社会评议权重须在 0 至 1 之间。"})
    before = snapshot(campaign, (*CAMPAIGN_FIELDS, "grade_rules"))
    for name in ("name", "social_weight", "bonus_cap", "grade_rules", "remind_days"):
        if name in fields:
            setattr(campaign, name, fields[name])
    campaign.save()
    after = snapshot(campaign, (*CAMPAIGN_FIELDS, "grade_rules"))
    changed = [k for k in after if before[k] != after[k]]
    if changed:
        audit_record(
            actor=actor,
            action="assessments.campaign.updated",
            target=campaign,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return campaign


# --------------------------------------------------------------------------- rows of a phase


def ensure_self_assessments(campaign: Campaign) -> int:
    """A draft row per target × applicable indicator (idempotent; bulk)."""
    matrix_pairs = campaign_selectors.applicable_pairs(
        campaign,
        campaign_selectors.campaign_indicators(campaign),
        campaign_selectors.campaign_targets(campaign),
    )
    existing = set(SelfAssessment.objects.filter(campaign=campaign).values_list("target_id", "indicator_id"))
    rows = [
        SelfAssessment(campaign=campaign, target_id=t, indicator_id=i)
        for t, i in sorted(matrix_pairs - existing)
    ]
    SelfAssessment.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def ensure_scores(campaign: Campaign) -> int:
    """An empty score per target × applicable indicator (idempotent; bulk)."""
    matrix_pairs = campaign_selectors.applicable_pairs(
        campaign,
        campaign_selectors.campaign_indicators(campaign),
        campaign_selectors.campaign_targets(campaign),
    )
    existing = set(Score.objects.filter(campaign=campaign).values_list("target_id", "indicator_id"))
    rows = [Score(campaign=campaign, target_id=t, indicator_id=i) for t, i in sorted(matrix_pairs - existing)]
    Score.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --------------------------------------------------------------------------- phases


def campaign_missing(
    campaign: Campaign, *, matrix: campaign_selectors.CampaignMatrix | None = None
) -> list[str]:
    """What is still outstanding before the campaign leaves its current phase
    (Chinese sentences). `matrix` (of all indicators and targets, with scores)
    saves recomputing it."""
    if campaign.phase == Phase.DEPLOY:
        return _missing_to_deploy(campaign)
    if campaign.phase == Phase.SELF_ASSESS:
        return _missing_self_assessments(
            matrix or campaign_selectors.campaign_matrix(campaign, with_scores=False)
        )
    if campaign.phase == Phase.SCORING:
        return _missing_scores(campaign, matrix or campaign_selectors.campaign_matrix(campaign))
    if campaign.phase == Phase.APPEAL:
        open_count = appeal_selectors.open_appeals(campaign).count()
        return [f"还有 {open_count} 件申诉尚未裁决。"] if open_count else []
    return []


def _missing_to_deploy(campaign: Campaign) -> list[str]:
    missing = [] if campaign.targets.exists() else ["尚未选择被考评单位。"]
    deadlines = campaign_selectors.deadline_map(campaign)
    return missing + [
        f"尚未设置「{PHASE_LABEL[p]}」截止日期。"
        for p in (Phase.SELF_ASSESS, Phase.SCORING)
        if p not in deadlines
    ]


def _missing_self_assessments(matrix: campaign_selectors.CampaignMatrix) -> list[str]:
    missing = []
    for target in matrix.targets:
        prog = matrix.self_by_target[target.pk]
        if prog.done < prog.total:
            returned = prog.extra.get("returned", 0)
            extra = f"（其中退回修改 {returned} 项）" if returned else ""
            missing.append(f"{target.display_name}：{prog.total - prog.done} 项自评未提交{extra}。")
    return missing


def _missing_scores(campaign: Campaign, matrix: campaign_selectors.CampaignMatrix) -> list[str]:
    """Per assessing unit (in the campaign's order): scores empty, waiting for 审核, or not submitted."""
    units = campaign_selectors.campaign_assessors(campaign)
    names = {o.pk: o.display_name for o in units}
    order = {o.pk: n for n, o in enumerate(units)}
    missing = []
    for org_id, prog in sorted(matrix.score_by_assessor.items(), key=lambda kv: order.get(kv[0], 0)):
        if prog.done >= prog.total:
            continue
        empty, submitted = prog.extra.get("empty", 0), prog.extra.get("submitted", 0)
        rest = prog.total - prog.done - empty - submitted
        parts = [
            text
            for count, text in (
                (empty, f"{empty} 项未评分"),
                (submitted, f"{submitted} 项待审核"),
                (rest, f"{rest} 项经办未提交审核"),
            )
            if count
        ]
        missing.append(f"{names.get(org_id, org_id)}：{'，'.join(parts)}。")
    return missing


@transaction.atomic
def campaign_advance(
    *, actor: User | None, campaign: Campaign, force: bool = False, note: str = ""
) -> Campaign:
    """Move to the next phase. Outstanding items stop the move unless the
    office confirms (`force`) with a note; the list is kept with the change.
    审定 → 公布 is campaign_publish (results), which freezes the snapshot."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.phase == Phase.FINAL_REVIEW:
        raise ValidationError("审定阶段完成后请在「考评结果」页面发布结果（生成不可更改的快照）。")
    if campaign.phase == Phase.PUBLISHED:
        raise ValidationError("考评结果已公布，流程已结束。")
    missing = campaign_missing(campaign)
    if missing and not force:
        raise ValidationError(["以下事项尚未完成，不能进入下一阶段：", *missing])
    if missing and not note.strip():
        raise ValidationError("仍有未完成事项时推进阶段，须填写说明。")
    before = campaign.phase
    after = campaign_selectors.next_phase(before)
    assert after is not None
    if after == Phase.SELF_ASSESS:
        ensure_self_assessments(campaign)
    if after == Phase.SCORING:
        ensure_self_assessments(campaign)
        ensure_scores(campaign)
    campaign.phase = after
    campaign.save(update_fields=["phase", "updated_at"])
    PhaseChange.objects.create(
        campaign=campaign,
        from_phase=before,
        to_phase=after,
        missing=missing,
        note=note.strip(),
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessments.campaign.phase_advanced",
        target=campaign,
        before={"phase": before},
        after={"phase": after},
        data={"missing": missing, "note": note.strip()} if missing else None,
    )
    return campaign
