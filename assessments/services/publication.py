"""Publication of a campaign's results: the immutable, hashed snapshot.

The snapshot is canonical JSON (sorted keys, no spaces, points as strings),
so anyone can re-hash `Publication.snapshot` and compare with `sha256`.
Everything published (ranking, reports, year over year, the CLI) reads the
snapshot, never the live scores, so a published result cannot drift.

The hash that counts is the one in the audit entry written when the result was
published (whose own HMAC only the holder of the audit key can produce), not
the copy in the same row: rewriting a row and its `sha256` with raw SQL is
caught by `selectors.publication.publication_check`. Through the ORM a
publication cannot be written anywhere but in `campaign_publish` (see
Publication.save and its queryset)."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from accounts.models import User
from assessments.models import (
    Appeal,
    Campaign,
    Indicator,
    IndicatorGroup,
    Method,
    Phase,
    PhaseChange,
    Publication,
    Score,
    ScoreItem,
    ScoreStatus,
    Section,
    publishing,
)
from assessments.selectors import appeals as appeal_selectors
from assessments.selectors import publication as pub
from assessments.selectors import results
from audit.services import audit_record

SNAPSHOT_SCHEMA = 1


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _lost_items(campaign: Campaign) -> dict[int, list[dict[str, Any]]]:
    """Every approved score below 分值, with its rule, reason and evidence, per target."""
    scores = (
        Score.objects.filter(
            campaign_id=campaign.pk, status=ScoreStatus.APPROVED, score__lt=F("indicator__max_score")
        )
        .exclude(indicator__method=Method.BONUS)
        .select_related("indicator", "entered_by", "reviewed_by", "assessor_org")
        .prefetch_related(Prefetch("items", queryset=ScoreItem.objects.select_related("rule").order_by("pk")))
        .order_by("target_id", "indicator__section__order", "indicator__order", "indicator__code")
    )
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for score in scores:
        result[score.target_id].append(
            {
                "score_id": score.pk,
                "indicator": score.indicator.code,
                "max": _s(score.indicator.max_score),
                "score": _s(score.score),
                "points_lost": _s(score.indicator.max_score - (score.score or Decimal(0))),
                "reason": score.reason,
                "evidence_note": score.evidence_note,
                "assessor": score.assessor_org.name if score.assessor_org else "",
                "entered_by": score.entered_by.display_name if score.entered_by else "",
                "reviewed_by": score.reviewed_by.display_name if score.reviewed_by else "",
                "items": [
                    {
                        "kind": item.kind,
                        "points": _s(item.points),
                        "rule": item.rule.code if item.rule else "",
                        "rule_text": item.rule.text if item.rule else "",
                        "reason": item.reason,
                        "evidence_note": item.evidence_note,
                    }
                    for item in score.items.all()
                ],
            }
        )
    return result


def build_snapshot(campaign: Campaign, *, published_at: Any, published_by: User | None) -> dict[str, Any]:
    """Everything a reader of the published results needs, as plain JSON."""
    framework = campaign.framework
    sections = list(Section.objects.filter(framework_id=framework.pk).order_by("order", "code"))
    indicators = list(
        Indicator.objects.filter(section__framework_id=framework.pk)
        .select_related("section")
        .order_by("section__order", "order", "code")
    )
    section_max: dict[int, Decimal] = defaultdict(Decimal)
    for ind in indicators:
        if ind.method != Method.BONUS:
            section_max[ind.section_id] += ind.max_score
    rules = results.campaign_rules(campaign)
    inputs = results.campaign_inputs(campaign)
    ranking = results.rank(inputs.inputs, rules)
    code_of = {pk: code for code, pk in inputs.target_ids.items()}
    indicator_code = {ind.pk: ind.code for ind in indicators}
    section_code = {s.pk: s.code for s in sections}
    scores: dict[str, dict[str, str | None]] = defaultdict(dict)
    for target_id, indicator_id, points in Score.objects.filter(
        campaign_id=campaign.pk, status=ScoreStatus.APPROVED, score__isnull=False
    ).values_list("target_id", "indicator_id", "score"):
        if target_id in code_of and indicator_id in indicator_code:
            scores[code_of[target_id]][indicator_code[indicator_id]] = _s(points)
    by_section = {
        code_of[t]: {section_code[s]: _s(v) for s, v in per.items() if s in section_code}
        for t, per in results.section_totals(campaign).items()
        if t in code_of
    }
    lost = {code_of[t]: items for t, items in _lost_items(campaign).items() if t in code_of}
    appeals = [
        {
            "id": a.pk,
            "target": code_of.get(a.target_id, ""),
            "indicator": indicator_code.get(a.score.indicator_id, ""),
            "decision": a.decision,
            "decided_score": _s(a.decided_score),
        }
        for a in Appeal.objects.filter(campaign_id=campaign.pk).select_related("score").order_by("pk")
    ]
    return {
        "schema": SNAPSHOT_SCHEMA,
        "campaign": {"id": campaign.pk, "year": campaign.year, "name": campaign.name},
        "framework": {
            "id": framework.pk,
            "name": framework.name,
            "version": framework.version,
            "total_score": _s(framework.total_score),
        },
        "published_at": published_at.isoformat(),
        "published_by": published_by.display_name if published_by else "",
        "rules": rules.as_json(),
        "sections": [
            {"code": s.code, "name": s.name, "max": _s(section_max[s.pk] if s.points is None else s.points)}
            for s in sections
        ],
        "indicators": [
            {
                "code": ind.code,
                "name": ind.name,
                "section": ind.section.code,
                "max": _s(ind.max_score),
                "method": ind.method,
            }
            for ind in indicators
        ],
        "ranking": [
            {
                "rank": r.rank,
                "code": r.code,
                "name": r.name,
                "total": _s(r.total),
                "grade": r.grade,
                "veto": r.veto,
                "indicator_total": _s(r.indicator_total),
                "bonus": _s(r.bonus),
                "deductions": _s(r.deductions),
                "social": _s(r.social),
                "lost": _s(r.lost),
                "quota_dropped": r.quota_dropped,
                # 分类考评 only: unclassed rankings keep the keys they were published with
                **(
                    {"unit_class": r.unit_class, "full_marks": _s(r.full_marks), "converted": _s(r.converted)}
                    if r.unit_class
                    else {}
                ),
            }
            for r in ranking
        ],
        "scores": dict(scores),
        "section_totals": by_section,
        **_group_part(campaign, code_of),
        "lost": lost,
        "appeals": appeals,
    }


def _group_part(campaign: Campaign, code_of: dict[int, str]) -> dict[str, Any]:
    """二级指标 and their subtotals per target; nothing for a framework without
    groups (its snapshot keeps the shape it was published with)."""
    groups = list(
        IndicatorGroup.objects.filter(section__framework_id=campaign.framework_id)
        .select_related("section")
        .order_by("section__order", "order", "pk")
    )
    if not groups:
        return {}
    key = {g.pk: f"{g.section.code}/{g.code or g.pk}" for g in groups}
    return {
        "groups": [
            {"key": key[g.pk], "section": g.section.code, "code": g.code, "name": g.name, "max": _s(g.points)}
            for g in groups
        ],
        "group_totals": {
            code_of[t]: {key[g]: _s(v) for g, v in per.items() if g in key}
            for t, per in results.group_totals(campaign).items()
            if t in code_of
        },
    }


def publish_blockers(campaign: Campaign) -> list[str]:
    """What stops publication, in Chinese (empty when it may go ahead)."""
    problems = []
    if Publication.objects.filter(campaign_id=campaign.pk).exists():
        return ["该考评结果已公布，公布后的结果不可更改。"]
    if campaign.phase != Phase.FINAL_REVIEW:
        problems.append(f"只有处于“审定”阶段的考评可以公布，当前阶段为“{campaign.get_phase_display()}”。")
    open_appeals = appeal_selectors.open_appeals(campaign).count()
    if open_appeals:
        problems.append(f"还有 {open_appeals} 件申诉尚未裁决。")
    pending = Score.objects.filter(campaign_id=campaign.pk).exclude(status=ScoreStatus.APPROVED).count()
    if pending:
        problems.append(f"还有 {pending} 项评分尚未审核生效。")
    if campaign.phase == Phase.FINAL_REVIEW:
        # the ranking reads the totals the database keeps: before they are
        # frozen into the published result, they must agree with the scores
        drift = results.totals_drift(campaign.pk)
        if drift:
            problems.append(
                f"{len(drift)} 个被考评单位的评分合计与评分不一致，结果不能公布："
                "请系统管理员运行 fazhi campaign totals --rebuild 重新计算后再公布。"
            )
    return problems


@transaction.atomic
def campaign_publish(*, actor: User | None, campaign: Campaign, published_at: Any = None) -> Publication:
    """Freeze the results of a campaign in 审定 into a hashed snapshot and move
    it to 公布. Refused (ValidationError, nothing changed) when appeals are
    open, scores are not all approved, or it was published already.
    `published_at` records an earlier publication date when past years are
    entered after the fact (the demo's 2021 and 2022); it defaults to now."""
    if published_at is not None and published_at > timezone.now():
        raise ValidationError("公布时间不能晚于当前时间。")
    campaign = Campaign.objects.select_for_update().select_related("framework").get(pk=campaign.pk)
    problems = publish_blockers(campaign)
    if problems:
        raise ValidationError(problems)
    now = published_at or timezone.now()
    snapshot = build_snapshot(campaign, published_at=now, published_by=actor)
    # JSONField round-trips through the database; hash what is stored
    snapshot = json.loads(pub.canonical_json(snapshot))
    with publishing():
        publication = Publication.objects.create(
            campaign=campaign,
            published_at=now,
            published_by=actor,
            snapshot=snapshot,
            sha256=pub.snapshot_hash(snapshot),
        )
    PhaseChange.objects.create(
        campaign=campaign,
        from_phase=campaign.phase,
        to_phase=Phase.PUBLISHED,
        changed_by=actor,
        note="公布考评结果",
    )
    campaign.phase = Phase.PUBLISHED
    campaign.save(update_fields=["phase", "updated_at"])
    audit_record(
        actor=actor,
        action=pub.PUBLISHED_ACTION,
        target=campaign,
        before={"phase": Phase.FINAL_REVIEW},
        after={"phase": Phase.PUBLISHED},
        data={
            "publication": publication.pk,
            "sha256": publication.sha256,
            "targets": len(snapshot["ranking"]),
        },
    )
    return publication
