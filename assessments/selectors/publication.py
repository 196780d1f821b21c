"""Reads of a published result: its snapshot hash and check against the audit
entry of its publication, and each reader's share of the snapshot
(`snapshot_for`: the office all of it, anyone else the ranking's public
columns and only its own org's detail)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from assessments.models import (
    Campaign,
    Publication,
)
from assessments.models import PublicationImmutable as PublicationImmutable
from audit.models import AuditEntry
from audit.services import audit_entry_problem


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


def published_lost(publication: Publication, target_code: str) -> list[dict[str, Any]]:
    return list(publication.snapshot.get("lost", {}).get(target_code, []))


def indicator_index(publication: Publication) -> dict[str, dict[str, Any]]:
    return {ind["code"]: ind for ind in publication.snapshot.get("indicators", [])}


def publication_of(campaign: Campaign) -> Publication | None:
    """The campaign's publication (with who published it), or None before publication."""
    return (
        Publication.objects.filter(campaign=campaign)
        .select_related("published_by", "published_by__org")
        .first()
    )
