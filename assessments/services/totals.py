"""Repair of the per-target score totals (`TargetTotal`).

The database's triggers keep the totals in step with every write of a score;
they drift only if someone switches the triggers off or edits the totals table
by hand. `totals_rebuild` recomputes every total from the scores in one
transaction and records in the audit log what it changed."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from assessments.models import TargetTotal
from assessments.selectors.results import aggregated_totals, drift_between, kept_totals
from audit.services import audit_record


@transaction.atomic
def totals_rebuild(*, actor: Any = None) -> int:
    """Recompute every `TargetTotal` from the approved scores; returns how
    many totals were wrong (0: nothing changed, nothing recorded). Score
    writes wait meanwhile, so none falls between the count and the rewrite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE assessments_score IN SHARE MODE")
    actual = aggregated_totals()
    drift = drift_between(kept_totals(), actual)
    if not drift:
        return 0
    TargetTotal.objects.all().delete()
    TargetTotal.objects.bulk_create(
        [
            TargetTotal(campaign_id=campaign_id, target_id=target_id, points=p, scored=n, vetoes=v)
            for (campaign_id, target_id), (p, n, v) in sorted(actual.items())
        ],
        batch_size=500,
    )
    audit_record(
        actor=actor,
        action="assessments.totals.rebuilt",
        target_repr="评分合计",
        data={
            "wrong": len(drift),
            "examples": [
                {"campaign": c, "target": t, "kept": kept, "scores": actual}
                for c, t, kept, actual in drift[:20]
            ],
        },
    )
    return len(drift)
