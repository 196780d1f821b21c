"""Reads of 年度考评: the list, deadlines, and the progress matrix of a campaign
(targets × indicators: self-assessment and score status) in a constant number
of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from assessments.models import (
    PHASE_ORDER,
    Campaign,
    Indicator,
    PhaseDeadline,
    Score,
    ScoreStatus,
    Section,
    SelfAssessment,
    SelfAssessmentStatus,
)
from orgs.models import Org


def campaign_list(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return qs.select_related("framework").annotate(
        target_count=Count("targets", distinct=True), assessor_count=Count("assessors", distinct=True)
    )


def deadline_map(campaign: Campaign) -> dict[str, PhaseDeadline]:
    return {d.phase: d for d in campaign.deadlines.all()}


@dataclass
class Progress:
    done: int = 0
    total: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0


def applicable_pairs(
    campaign: Campaign, indicators: list[Indicator], targets: list[Org]
) -> set[tuple[int, int]]:
    """(target_id, indicator_id) pairs to be filled; indicators must have applies_to prefetched."""
    pairs = set()
    for ind in indicators:
        listed = {o.pk for o in ind.applies_to.all()}
        for t in targets:
            if not listed or t.pk in listed:
                pairs.add((t.pk, ind.pk))
    return pairs


def campaign_indicators(campaign: Campaign, qs: QuerySet[Indicator] | None = None) -> list[Indicator]:
    base = qs if qs is not None else Indicator.objects.filter(section__framework_id=campaign.framework_id)
    return list(
        base.select_related("section")
        .prefetch_related(
            Prefetch("applies_to", queryset=Org.objects.only("pk")),
            Prefetch("assessors", queryset=Org.objects.order_by("sort_order", "code")),
        )
        .order_by("section__order", "section__code", "order", "code", "pk")
    )


def campaign_targets(campaign: Campaign) -> list[Org]:
    return list(campaign.targets.order_by("sort_order", "code"))


def campaign_assessors(campaign: Campaign) -> list[Org]:
    return list(campaign.assessors.order_by("sort_order", "code"))


@dataclass
class CampaignMatrix:
    """Everything the campaign page shows, built in a constant number of queries."""

    targets: list[Org]
    indicators: list[Indicator]
    pairs: set[tuple[int, int]]
    self_status: dict[tuple[int, int], str]
    score_cells: dict[tuple[int, int], dict[str, Any]]
    self_by_target: dict[int, Progress]
    score_by_target: dict[int, Progress]
    self_by_section: dict[int, Progress]
    score_by_section: dict[int, Progress]
    score_by_assessor: dict[int, Progress]
    sections: list[Section]


def campaign_matrix(
    campaign: Campaign,
    *,
    indicators: list[Indicator] | None = None,
    targets: list[Org] | None = None,
    with_scores: bool = True,
) -> CampaignMatrix:
    targets = targets if targets is not None else campaign_targets(campaign)
    indicators = indicators if indicators is not None else campaign_indicators(campaign)
    pairs = applicable_pairs(campaign, indicators, targets)
    ind_ids = [i.pk for i in indicators]
    target_ids = [t.pk for t in targets]
    self_status = {
        (t, i): s
        for t, i, s in SelfAssessment.objects.filter(
            campaign=campaign, indicator_id__in=ind_ids, target_id__in=target_ids
        )
        .order_by()
        .values_list("target_id", "indicator_id", "status")
    }
    score_cells: dict[tuple[int, int], dict[str, Any]] = {}
    if with_scores:
        for row in (
            Score.objects.filter(campaign=campaign, indicator_id__in=ind_ids, target_id__in=target_ids)
            .order_by()
            .values("pk", "target_id", "indicator_id", "score", "status", "version")
        ):
            score_cells[(row["target_id"], row["indicator_id"])] = dict(row)
    section_of = {i.pk: i.section_id for i in indicators}
    sections: dict[int, Section] = {}
    for ind in indicators:
        sections.setdefault(ind.section_id, ind.section)
    self_by_target = {t.pk: Progress() for t in targets}
    score_by_target = {t.pk: Progress() for t in targets}
    self_by_section = {s: Progress() for s in sections}
    score_by_section = {s: Progress() for s in sections}
    score_by_assessor: dict[int, Progress] = defaultdict(Progress)
    assessors_of = {i.pk: [o.pk for o in i.assessors.all()] for i in indicators}
    for t, i in pairs:
        sec = section_of[i]
        submitted = self_status.get((t, i)) == SelfAssessmentStatus.SUBMITTED
        approved = score_cells.get((t, i), {}).get("status") == ScoreStatus.APPROVED
        for prog, ok in (
            (self_by_target[t], submitted),
            (self_by_section[sec], submitted),
            (score_by_target[t], approved),
            (score_by_section[sec], approved),
        ):
            prog.total += 1
            prog.done += ok
        for org_id in assessors_of[i]:
            prog = score_by_assessor[org_id]
            prog.total += 1
            prog.done += approved
            cell = score_cells.get((t, i))
            if cell and cell["status"] == ScoreStatus.SUBMITTED:
                prog.extra["submitted"] = prog.extra.get("submitted", 0) + 1
            elif not cell or cell["score"] is None:
                prog.extra["empty"] = prog.extra.get("empty", 0) + 1
    for t, i in pairs:
        status = self_status.get((t, i))
        if status == SelfAssessmentStatus.RETURNED:
            self_by_target[t].extra["returned"] = self_by_target[t].extra.get("returned", 0) + 1
    return CampaignMatrix(
        targets=targets,
        indicators=indicators,
        pairs=pairs,
        self_status=self_status,
        score_cells=score_cells,
        self_by_target=self_by_target,
        score_by_target=score_by_target,
        self_by_section=self_by_section,
        score_by_section=score_by_section,
        score_by_assessor=dict(score_by_assessor),
        sections=list(sections.values()),
    )


def next_phase(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def days_left(due: datetime.date | None) -> int | None:
    if due is None:
        return None
    return (due - timezone.localdate()).days
