"""Reusable reads of 法治建设考评, with their joins decided here."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import roles
from accounts.models import User
from assessments.models import (
    PHASE_ORDER,
    Campaign,
    Duty,
    Framework,
    Indicator,
    Phase,
    PhaseDeadline,
    Publication,
    Rule,
    Score,
    ScoreStatus,
    ScoringDuty,
    Section,
    SelfAssessment,
    SelfAssessmentStatus,
)
from orgs.models import Org

ZERO = Decimal("0")


# --------------------------------------------------------------------------- frameworks


def framework_list() -> QuerySet[Framework]:
    """Frameworks with their indicator count, Σ 分值 and campaign count (subqueries,
    so the joins do not multiply each other)."""
    indicators = (
        Indicator.objects.filter(section__framework=OuterRef("pk")).order_by().values("section__framework")
    )
    return Framework.objects.select_related("created_by", "cloned_from").annotate(
        indicator_count=Coalesce(Subquery(indicators.annotate(n=Count("pk")).values("n")), 0),
        score_sum=Coalesce(
            Subquery(indicators.exclude(method="bonus").annotate(s=Sum("max_score")).values("s")),
            Value(ZERO),
            output_field=DecimalField(max_digits=9, decimal_places=2),
        ),
        campaign_count=Coalesce(
            Subquery(
                Campaign.objects.filter(framework=OuterRef("pk"))
                .order_by()
                .values("framework")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
    )


def framework_sections(framework: Framework) -> list[Section]:
    """板块 → 指标 (with units and 评分细则) in four queries whatever the size."""
    indicators = Indicator.objects.order_by("order", "code", "pk").prefetch_related(
        Prefetch("assessors", queryset=Org.objects.order_by("sort_order", "code")),
        Prefetch("applies_to", queryset=Org.objects.order_by("code")),
        Prefetch("rules", queryset=Rule.objects.order_by("order", "code", "pk")),
    )
    return list(
        framework.sections.order_by("order", "code", "pk").prefetch_related(
            Prefetch("indicators", queryset=indicators)
        )
    )


def framework_total(framework: Framework) -> Decimal:
    total = (
        Indicator.objects.filter(section__framework=framework)
        .exclude(method="bonus")
        .aggregate(s=Sum("max_score"))["s"]
    )
    return total or ZERO


def framework_structure(framework: Framework) -> list[dict[str, Any]]:
    """The framework as plain nested data: used to clone, export and diff."""
    result = []
    for section in framework_sections(framework):
        result.append(
            {
                "code": section.code,
                "name": section.name,
                "order": section.order,
                "indicators": [
                    {
                        "code": ind.code,
                        "name": ind.name,
                        "max_score": ind.max_score,
                        "method": ind.method,
                        "bonus_cap": ind.bonus_cap,
                        "evidence_required": ind.evidence_required,
                        "description": ind.description,
                        "order": ind.order,
                        "assessors": [(o.pk, o.code, o.display_name) for o in ind.assessors.all()],
                        "applies_to": [(o.pk, o.code, o.display_name) for o in ind.applies_to.all()],
                        "rules": [
                            {
                                "code": r.code,
                                "text": r.text,
                                "kind": r.kind,
                                "points": r.points,
                                "max_points": r.max_points,
                                "order": r.order,
                            }
                            for r in ind.rules.all()
                        ],
                    }
                    for ind in section.indicators.all()
                ],
            }
        )
    return result


def locked_frameworks() -> QuerySet[Framework]:
    return Framework.objects.filter(status="locked").order_by("-year", "-version")


# --------------------------------------------------------------------------- campaigns


def campaign_list(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return qs.select_related("framework").annotate(
        target_count=Count("targets", distinct=True), assessor_count=Count("assessors", distinct=True)
    )


def deadline_map(campaign: Campaign) -> dict[str, PhaseDeadline]:
    return {d.phase: d for d in campaign.deadlines.all()}


def current_deadline(campaign: Campaign) -> PhaseDeadline | None:
    return campaign.deadlines.filter(phase=campaign.phase).first()


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


def publication_of(campaign: Campaign) -> Publication | None:
    """The campaign's publication (with who published it), or None before publication."""
    return (
        Publication.objects.filter(campaign=campaign)
        .select_related("published_by", "published_by__org")
        .first()
    )


def phase_label(phase: str) -> str:
    return dict(Phase.choices).get(phase, phase)


def next_phase(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def days_left(due: datetime.date | None) -> int | None:
    if due is None:
        return None
    return (due - timezone.localdate()).days


# --------------------------------------------------------------------------- self-assessments and scores


def self_assessments_of(
    campaign: Campaign, target: Org, indicator_ids: list[int]
) -> dict[int, SelfAssessment]:
    return {
        sa.indicator_id: sa
        for sa in SelfAssessment.objects.filter(
            campaign=campaign, target=target, indicator_id__in=indicator_ids
        )
        .select_related("submitted_by")
        .prefetch_related("evidence")
    }


def scores_for_indicator(campaign: Campaign, indicator: Indicator) -> QuerySet[Score]:
    return Score.objects.filter(campaign=campaign, indicator=indicator).select_related(
        "target", "entered_by", "reviewed_by"
    )


def pending_review_q(user_org_id: int) -> Q:
    return Q(status=ScoreStatus.SUBMITTED, assessor_org_id=user_org_id)


# --------------------------------------------------------------------------- 经办 / 审核


def duty_people() -> QuerySet[User]:
    """The people of the assessing units who may hold 经办 or 审核, with their duty."""
    return User.objects.filter(role_id=roles.ASSESSOR, org__is_assessor=True).select_related(
        "org", "scoring_duty"
    )


def units_missing_duties(campaigns: list[Campaign] | None = None) -> list[str]:
    """Assessing units (of `campaigns`, else all) where nobody active holds 经办
    or 审核 (Chinese sentences): without both, the unit's scores cannot become effective."""
    held = set(
        ScoringDuty.objects.filter(org_id=F("user__org_id"), user__is_active=True)
        .order_by()
        .values_list("org_id", "duty")
    )
    units = Org.objects.filter(is_assessor=True)
    if campaigns is not None:
        units = units.filter(assessor_campaigns__in=campaigns).distinct()
    problems = []
    for org in units.order_by("sort_order", "code"):
        missing = [d.label for d in Duty if (org.pk, d.value) not in held]
        if missing:
            problems.append(f"{org.display_name}：没有{'、'.join(missing)}人员。")
    return problems
