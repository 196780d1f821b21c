"""Writes of 整改: a published lost point sent to 整改 becomes a problem of the
tracker (app `problems`, source 考评失分, linked to its score), once per
indicator. The former 整改清单 (`Rectification`) is kept read-only for the
record: problems' migration 0002 carried its items over."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from assessments.models import Indicator, Publication, Score
from assessments.models import PublicationImmutable as PublicationImmutable
from assessments.selectors import publication as pub
from orgs.models import Org

if TYPE_CHECKING:
    from problems.models import Problem


@transaction.atomic
def rectification_create(
    *, actor: User, publication: Publication, target: Org, indicator_code: str
) -> Problem:
    """Send one published lost point to 整改: the hook registers it as a problem
    of the tracker (source 考评失分, linked to its score), once per indicator."""
    # the tracker's lost-point hook; problems depends on assessments, not the reverse
    from problems.services import problem_register_lost_point

    entry = next(
        (e for e in pub.published_lost(publication, target.code) if e["indicator"] == indicator_code), None
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
