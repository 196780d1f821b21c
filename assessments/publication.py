"""Publication of a campaign's results: the immutable, hashed snapshot, the
整改 items sent from lost points, and the published documents.

The snapshot is canonical JSON (sorted keys, no spaces, points as strings),
so anyone can re-hash `Publication.snapshot` and compare with `sha256`.
Everything published (ranking, reports, year over year, the CLI) reads the
snapshot, never the live scores, so a published result cannot drift.

The hash that counts is the one in the audit entry written when the result was
published (whose own HMAC only the holder of the audit key can produce), not
the copy in the same row: rewriting a row and its `sha256` with raw SQL is
caught by `publication_check`. Through the ORM a publication cannot be written
anywhere but in `campaign_publish` (see Publication.save and its queryset).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from accounts.models import User
from assessments import results
from assessments.models import (
    Appeal,
    AppealStatus,
    Campaign,
    Indicator,
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
from assessments.models import PublicationImmutable as PublicationImmutable
from audit.models import AuditEntry
from audit.services import audit_entry_problem, audit_record
from orgs.models import Org

if TYPE_CHECKING:
    from problems.models import Problem

SNAPSHOT_SCHEMA = 1


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def snapshot_hash(snapshot: Any) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


PUBLISHED_ACTION = "assessments.campaign.published"


@dataclass(frozen=True)
class PublicationCheck:
    ok: bool
    reason: str
    audit_seq: int | None  # the audit entry written at publication: the log's head then
    audit_hash: str


def publication_audit_entry(publication: Publication) -> AuditEntry | None:
    """The audit entry written by campaign_publish for this publication."""
    entries = AuditEntry.objects.filter(
        action=PUBLISHED_ACTION, target_type="assessments.campaign", target_id=str(publication.campaign_id)
    ).order_by("seq")
    return next((e for e in entries if (e.data or {}).get("publication") == publication.pk), None)


def publication_check(publication: Publication) -> PublicationCheck:
    """The snapshot against the hash recorded in the audit log when it was
    published (and that audit entry against its own hash and HMAC)."""
    entry = publication_audit_entry(publication)
    if entry is None:
        return PublicationCheck(
            False, "审计日志中没有该结果的公布记录：公布记录被绕过系统写入或改动。", None, ""
        )
    problem = audit_entry_problem(entry)
    if problem:
        return PublicationCheck(False, f"公布时的审计记录不可信：{problem}。", entry.seq, entry.hash)
    recorded = (entry.data or {}).get("sha256")
    if snapshot_hash(publication.snapshot) != recorded:
        return PublicationCheck(
            False,
            f"结果快照与公布时审计日志第 {entry.seq} 条记录的 SHA-256 不符：快照被改动。",
            entry.seq,
            entry.hash,
        )
    if publication.sha256 != recorded:
        return PublicationCheck(
            False,
            f"结果记录中的 SHA-256 与公布时审计日志第 {entry.seq} 条记录不符：记录被改动。",
            entry.seq,
            entry.hash,
        )
    return PublicationCheck(True, "", entry.seq, entry.hash)


def publication_verify(publication: Publication) -> bool:
    """True when the snapshot still hashes to what the audit log recorded at publication."""
    return publication_check(publication).ok


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
        "sections": [{"code": s.code, "name": s.name, "max": _s(section_max[s.pk])} for s in sections],
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
            }
            for r in ranking
        ],
        "scores": dict(scores),
        "section_totals": by_section,
        "lost": lost,
        "appeals": appeals,
    }


def publish_blockers(campaign: Campaign) -> list[str]:
    """What stops publication, in Chinese (empty when it may go ahead)."""
    problems = []
    if Publication.objects.filter(campaign_id=campaign.pk).exists():
        return ["该考评结果已公布，公布后的结果不可更改。"]
    if campaign.phase != Phase.REVIEW:
        problems.append(f"只有处于“审定”阶段的考评可以公布，当前阶段为“{campaign.get_phase_display()}”。")
    open_appeals = Appeal.objects.filter(campaign_id=campaign.pk).exclude(status=AppealStatus.DECIDED).count()
    if open_appeals:
        problems.append(f"还有 {open_appeals} 件申诉尚未裁决。")
    pending = Score.objects.filter(campaign_id=campaign.pk).exclude(status=ScoreStatus.APPROVED).count()
    if pending:
        problems.append(f"还有 {pending} 项评分尚未审核生效。")
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
    snapshot = json.loads(canonical_json(snapshot))
    with publishing():
        publication = Publication.objects.create(
            campaign=campaign,
            published_at=now,
            published_by=actor,
            snapshot=snapshot,
            sha256=snapshot_hash(snapshot),
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
        action=PUBLISHED_ACTION,
        target=campaign,
        before={"phase": Phase.REVIEW},
        after={"phase": Phase.PUBLISHED},
        data={
            "publication": publication.pk,
            "sha256": publication.sha256,
            "targets": len(snapshot["ranking"]),
        },
    )
    return publication


# --------------------------------------------------------------------------- reading the snapshot

# What the published ranking (the 通报's table) says about every target. The
# rest of a target's results — its lost points, its 板块 and indicator scores,
# its appeals — is for the target itself and the office (access.results_reader).
PUBLIC_RANKING_FIELDS = (
    "rank",
    "code",
    "name",
    "total",
    "grade",
    "veto",
    "indicator_total",
    "bonus",
    "deductions",
    "social",
    "quota_dropped",
)


def snapshot_for(snapshot: dict[str, Any], *, complete: bool, own: str | None) -> dict[str, Any]:
    """The part of a published snapshot one reader may see: everything when
    `complete`; else the ranking's public columns of every target, and the
    rest only of `own` (None: of nobody)."""
    if complete:
        return snapshot
    return {
        **snapshot,
        "ranking": [
            row if row.get("code") == own else {k: row[k] for k in PUBLIC_RANKING_FIELDS if k in row}
            for row in snapshot.get("ranking", [])
        ],
        "scores": {k: v for k, v in snapshot.get("scores", {}).items() if k == own},
        "section_totals": {k: v for k, v in snapshot.get("section_totals", {}).items() if k == own},
        "lost": {k: v for k, v in snapshot.get("lost", {}).items() if k == own},
        "appeals": [a for a in snapshot.get("appeals", []) if own is not None and a.get("target") == own],
    }


def published_ranking(publication: Publication) -> list[dict[str, Any]]:
    return list(publication.snapshot.get("ranking", []))


def published_lost(publication: Publication, target_code: str) -> list[dict[str, Any]]:
    return list(publication.snapshot.get("lost", {}).get(target_code, []))


def indicator_index(publication: Publication) -> dict[str, dict[str, Any]]:
    return {ind["code"]: ind for ind in publication.snapshot.get("indicators", [])}


# --------------------------------------------------------------------------- 整改


@transaction.atomic
def rectification_create(
    *, actor: User, publication: Publication, target: Org, indicator_code: str
) -> Problem:
    """Send one published lost point to 整改: it becomes a problem of the tracker
    (source 考评失分, linked to its score), once per indicator."""
    from problems.services import problem_register_lost_point

    entry = next(
        (e for e in published_lost(publication, target.code) if e["indicator"] == indicator_code), None
    )
    if entry is None:
        raise ValidationError("该指标在公布结果中没有失分，无需整改。")
    indicator = (
        Indicator.objects.filter(
            section__framework_id=publication.snapshot["framework"]["id"], code=indicator_code
        )
        .select_related("section")
        .first()
    )
    if indicator is None:
        raise ValidationError("指标不存在。")
    return problem_register_lost_point(
        actor=actor,
        publication=publication,
        target=target,
        indicator=indicator,
        entry=entry,
        section_name=indicator.section.name,
        score=Score.objects.filter(pk=entry["score_id"]).first() if entry.get("score_id") else None,
    )
