"""Writes of 整改: a published lost point sent to the 整改 list (once per
indicator), and an item marked done or reopened."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from assessments.models import (
    Indicator,
    Publication,
    Rectification,
    RectificationStatus,
)
from assessments.models import PublicationImmutable as PublicationImmutable
from assessments.selectors import publication as pub
from audit.services import audit_record
from orgs.models import Org


@transaction.atomic
def rectification_create(
    *, actor: User, publication: Publication, target: Org, indicator_code: str
) -> Rectification:
    """Send one published lost point to the 整改 list (once per indicator)."""
    entry = next(
        (e for e in pub.published_lost(publication, target.code) if e["indicator"] == indicator_code), None
    )
    if entry is None:
        raise ValidationError("该指标在公布结果中没有失分，无需整改。")
    indicator = Indicator.objects.filter(
        section__framework_id=publication.snapshot["framework"]["id"], code=indicator_code
    ).first()
    if indicator is None:
        raise ValidationError("指标不存在。")
    if Rectification.objects.filter(publication=publication, target=target, indicator=indicator).exists():
        raise ValidationError("该失分项已列入整改清单。")
    reasons = [entry.get("reason") or ""] + [i.get("reason") or "" for i in entry.get("items", [])]
    item = Rectification.objects.create(
        publication=publication,
        target=target,
        indicator=indicator,
        points_lost=Decimal(entry["points_lost"]),
        reason="；".join(r for r in dict.fromkeys(reasons) if r),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessments.rectification.created",
        target=item,
        target_repr=f"{target.name} {indicator.code}",
        data={
            "publication": publication.pk,
            "target": target.code,
            "indicator": indicator_code,
            "points_lost": entry["points_lost"],
        },
    )
    return item


@transaction.atomic
def rectification_mark_done(*, actor: User, rectification: Rectification, done: bool = True) -> Rectification:
    before = rectification.status
    rectification.status = RectificationStatus.DONE if done else RectificationStatus.OPEN
    rectification.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="assessments.rectification.updated",
        target=rectification,
        target_repr=f"{rectification.target.name} {rectification.indicator.code}",
        before={"status": before},
        after={"status": rectification.status},
    )
    return rectification
