"""Composite, ranking and what-if of a campaign (selectors; nothing here writes).

Per-target points come from the totals the database's triggers keep
(`TargetTotal`: one row per target, however many scores) and the bonus
indicators' own sums, read as plain rows (no per-row model objects); ranking
and grading are the pure rules of `assessments.scoring`. A published campaign is read from its
immutable snapshot instead (`selectors.publication`, written by
`services.publication.campaign_publish`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import BigIntegerField, Count, Exists, FloatField, OuterRef, Q, Sum
from django.db.models.functions import Cast, Round

from assessments import scoring
from assessments.models import (
    Campaign,
    Indicator,
    IndicatorGroup,
    Method,
    Rule,
    RuleKind,
    RuleScope,
    Score,
    ScoreItem,
    ScoreStatus,
    SectionKind,
    SocialEvaluation,
    TargetTotal,
    UnitClass,
    default_grade_rules,
)

ZERO = Decimal("0")
NO_SCORES = (0, 0, 0, 0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rules:
    """The campaign's composite and grading rules (what the what-if view varies)."""

    bonus_cap: Decimal
    social_weight: Decimal
    thresholds: dict[str, Decimal]
    excellent_quota: int | None
    tie_break: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "bonus_cap": str(self.bonus_cap),
            "social_weight": str(self.social_weight),
            "thresholds": {k: str(v) for k, v in self.thresholds.items()},
            "excellent_quota": self.excellent_quota,
            "tie_break": list(self.tie_break),
        }


def campaign_rules(campaign: Campaign) -> Rules:
    raw = {**default_grade_rules(), **(campaign.grade_rules or {})}
    thresholds = {
        str(k): Decimal(str(v)) for k, v in (raw.get("thresholds") or {}).items() if v not in (None, "")
    }
    quota = raw.get("excellent_quota")
    return Rules(
        bonus_cap=Decimal(campaign.bonus_cap),
        social_weight=Decimal(campaign.social_weight),
        thresholds=thresholds,
        excellent_quota=None if quota in (None, "") else int(quota),
        tie_break=tuple(raw.get("tie_break") or scoring.DEFAULT_TIE_BREAK),
    )


def rules_with(rules: Rules, **overrides: Any) -> Rules:
    """`rules` with the given fields replaced (None means keep)."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if "excellent_quota" in overrides and overrides["excellent_quota"] == "":
        values["excellent_quota"] = None
    return Rules(**{**rules.__dict__, **values})


# --------------------------------------------------------------------------- inputs


@dataclass
class CampaignInputs:
    """What ranking needs, read once: one row per campaign target."""

    inputs: list[scoring.TargetUnits]
    target_ids: dict[str, int] = field(default_factory=dict)  # code -> org pk
    scored: dict[str, int] = field(default_factory=dict)  # code -> approved scores counted


def _indicator_meta(campaign: Campaign) -> list[dict[str, Any]]:
    group_rules = Rule.objects.filter(indicator_id=OuterRef("pk"), scope=RuleScope.GROUP)
    rows = (
        Indicator.objects.filter(section__framework_id=campaign.framework_id)
        .order_by()
        .annotate(group_rule=Exists(group_rules))
    )
    meta = [
        dict(row)
        for row in rows.values(
            "id",
            "method",
            "max_score",
            "overflow",
            "group_id",
            "section_id",
            "section__kind",
            "section__in_total",
            "section__points",
            "section__survey_scale",
            "group__points",
            "group_rule",
        )
    ]
    for i in meta:
        # on top of the total: 加分 indicators and 附加项 sections outside it
        i["bonus"] = i["method"] == Method.BONUS or (
            i["section__kind"] == SectionKind.BONUS and not i["section__in_total"]
        )
        i["survey"] = i["section__kind"] == SectionKind.SURVEY and bool(i["section__survey_scale"])
    return meta


def _cents(value: Any) -> int:
    """An aggregate or a column of points as whole hundredths: SQLite sums
    decimals as floats (within far less than a cent of the exact sum),
    PostgreSQL as exact numerics; None (nothing to sum) is 0."""
    if value is None:
        return 0
    if type(value) is float:
        return round(value * 100)
    return round(Decimal(value) * 100)


def _fetch(queryset: Any) -> list[tuple[Any, ...]]:
    """The rows of a values_list() queryset, fetched in one go from the
    cursor: thousands of rows without converters to apply cost ~15% less
    than through the queryset's iterator."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _approved(campaign_pk: int) -> Any:
    return Score.objects.filter(campaign_id=campaign_pk, status=ScoreStatus.APPROVED).order_by()


class Totals(NamedTuple):
    """One target's approved scores: Σ points, Σ bonus points (hundredths),
    how many, how many 一票否决."""

    points: int
    bonus: int
    scored: int
    vetoes: int


def _bonus_sums(campaign_pk: int, bonus_ids: Sequence[int]) -> dict[int, int]:
    """Per target, Σ points of its approved scores of these (加分/附加项)
    indicators, in hundredths: read through the indicator's index, a few
    thousand rows however many scores the campaign has."""
    if not bonus_ids:
        return {}
    # the database rounds Σ × 100 to a whole number (exact on PostgreSQL's
    # numeric, within far less than a cent of SQLite's float sum): plain ints
    # come back, no Decimal made per row
    cents = Cast(Round(Sum("score", output_field=FloatField()) * 100), BigIntegerField())
    return dict(
        _fetch(
            _approved(campaign_pk)
            .filter(indicator_id__in=list(bonus_ids))
            .values("target_id")
            .annotate(bonus=cents)
            .values_list("target_id", "bonus")
        )
    )


def score_totals(campaign_pk: int, indicators: Sequence[Mapping[str, Any]]) -> dict[int, Totals]:
    """Per target with approved scores, its `Totals`: the database keeps the
    sums, counts and vetoes (`TargetTotal`, by triggers on the score table), so
    this is one row per target, plus the bonus indicators' sums."""
    bonus = _bonus_sums(campaign_pk, [i["id"] for i in indicators if i["bonus"]])
    return {
        target_id: Totals(points, bonus.get(target_id, 0), scored, vetoes)
        for target_id, points, scored, vetoes in _fetch(
            TargetTotal.objects.filter(campaign_id=campaign_pk, scored__gt=0)
            .order_by()
            .values_list("target_id", "points", "scored", "vetoes")
        )
    }


def aggregated_totals(campaign_pk: int | None = None) -> dict[tuple[int, int], tuple[int, int, int]]:
    """(campaign pk, target pk) -> (Σ points in hundredths, approved scores,
    vetoed ones) aggregated from the scores themselves: what `TargetTotal`
    must hold (`totals_drift`)."""
    approved = Score.objects.filter(status=ScoreStatus.APPROVED).order_by()
    if campaign_pk is not None:
        approved = approved.filter(campaign_id=campaign_pk)
    return {
        (campaign_id, target_id): (_cents(points), scored, vetoes)
        for campaign_id, target_id, points, scored, vetoes in approved.values("campaign_id", "target_id")
        .annotate(
            points=Sum("score", output_field=FloatField()),
            scored=Count("*"),
            vetoes=Count("pk", filter=Q(veto=True)),
        )
        .values_list("campaign_id", "target_id", "points", "scored", "vetoes")
    }


def totals_drift(campaign_pk: int | None = None) -> list[tuple[int, int, Any, Any]]:
    """Where `TargetTotal` differs from the scores: (campaign pk, target pk,
    kept (points, count, vetoes) or None, aggregated or None). Empty when the
    triggers have kept every total."""
    return drift_between(kept_totals(campaign_pk), aggregated_totals(campaign_pk))


def kept_totals(campaign_pk: int | None = None) -> dict[tuple[int, int], tuple[int, int, int]]:
    """(campaign pk, target pk) -> (points, count, vetoes) as `TargetTotal` keeps them."""
    kept_rows = TargetTotal.objects.order_by()
    if campaign_pk is not None:
        kept_rows = kept_rows.filter(campaign_id=campaign_pk)
    return {
        (c, t): (p, n, v)
        for c, t, p, n, v in kept_rows.values_list("campaign_id", "target_id", "points", "scored", "vetoes")
    }


def drift_between(kept: Mapping[tuple[int, int], Any], actual: Mapping[tuple[int, int], Any]) -> list[Any]:
    """The keys where the kept and the aggregated totals differ (`totals_drift`)."""
    return [
        (key[0], key[1], kept.get(key), actual.get(key))
        for key in sorted(set(kept) | set(actual))
        if kept.get(key) != actual.get(key)
    ]


def _limited(indicators: Sequence[Mapping[str, Any]]) -> dict[int, set[int]]:
    """Indicator pk -> the orgs it applies to, for the indicators that do not apply to everyone."""
    limited: dict[int, set[int]] = defaultdict(set)
    for indicator_id, org_id in Indicator.applies_to.through.objects.filter(
        indicator_id__in=[i["id"] for i in indicators]
    ).values_list("indicator_id", "org_id"):
        limited[indicator_id].add(org_id)
    return limited


def _limited_by_target(
    indicators: Sequence[Mapping[str, Any]], limited: Mapping[int, set[int]]
) -> dict[int, list[int]]:
    """Org pk -> the limited indicators (`_limited`) that apply to it: one dict
    look-up per target instead of a loop over the limited indicators."""
    known = {i["id"] for i in indicators}
    by_target: dict[int, list[int]] = defaultdict(list)
    for indicator_id, orgs in limited.items():
        if indicator_id in known:
            for org_id in orgs:
                by_target[org_id].append(indicator_id)
    return by_target


def _applicable_max(
    indicators: Sequence[Mapping[str, Any]], target_ids: Sequence[int], limited: Mapping[int, set[int]]
) -> dict[int, tuple[int, int]]:
    """Per target: (number of indicators applying to it, Σ 分值 in hundredths of those that are not bonus)."""
    max_of = {i["id"]: (0 if i["bonus"] else _cents(i["max_score"])) for i in indicators}
    everyone = [m for pk, m in max_of.items() if pk not in limited]
    base = (len(everyone), sum(everyone))
    applying = _limited_by_target(indicators, limited)
    result = {}
    for target_id in target_ids:
        extra = applying.get(target_id)
        result[target_id] = (
            (base[0] + len(extra), base[1] + sum(max_of[pk] for pk in extra)) if extra else base
        )
    return result


def _scored_max(campaign: Campaign, target_ids: Sequence[int], bonus_ids: Sequence[int]) -> dict[int, int]:
    """Σ 分值 in hundredths of the approved non-bonus scores of these (incompletely scored) targets."""
    rows = (
        Score.objects.filter(
            campaign_id=campaign.pk, status=ScoreStatus.APPROVED, target_id__in=list(target_ids)
        )
        .exclude(score__isnull=True)
        .exclude(indicator_id__in=list(bonus_ids))
        .order_by()
        .values("target_id")
        .annotate(total=Sum("indicator__max_score"))
    )
    return {row["target_id"]: _cents(row["total"]) for row in rows}


def _negative_list_deductions(
    campaign: Campaign, indicators: Sequence[Mapping[str, Any]]
) -> dict[int, Decimal]:
    """Per target, Σ of `scoring.indicator_score(...).overflow` over its approved
    scores of 负面清单 indicators (`Indicator.overflow`): the deductions beyond
    the indicator's 分值, taken from the total. Only read when the framework has
    such indicators."""
    overflowing = {i["id"]: i for i in indicators if i["overflow"]}
    if not overflowing:
        return {}
    items: dict[tuple[int, int], list[scoring.Item]] = defaultdict(list)
    rows = ScoreItem.objects.filter(
        score__campaign_id=campaign.pk,
        score__status=ScoreStatus.APPROVED,
        score__indicator_id__in=list(overflowing),
    ).values_list("score__target_id", "score__indicator_id", "kind", "points", "rule__scope")
    for target_id, indicator_id, kind, points, scope in rows:
        if kind in scoring.ITEM_KINDS:  # a grade item has no say on the overflow
            items[(target_id, indicator_id)].append(
                scoring.Item(kind=kind, points=points, group=scope == RuleScope.GROUP)
            )
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (target_id, indicator_id), chosen in items.items():
        meta = overflowing[indicator_id]
        scored = scoring.indicator_score(
            max_score=Decimal(meta["max_score"]), method=Method.DEDUCT, items=chosen, overflow=True
        )
        if scored.overflow:
            result[target_id] += scored.overflow
    return result


def _group_deductions(campaign: Campaign, indicators: Sequence[Mapping[str, Any]]) -> dict[int, Decimal]:
    """Per target, the points its group rules (stated once for a 二级指标) take
    from the groups' subtotals (`scoring.group_subtotal`). Only read when the
    framework has group rules."""
    ids = [i["id"] for i in indicators]
    chosen = ScoreItem.objects.filter(
        score__campaign_id=campaign.pk,
        score__status=ScoreStatus.APPROVED,
        rule__scope=RuleScope.GROUP,
        score__indicator_id__in=ids,
    ).values_list("score__target_id", "score__indicator__group_id", "kind", "points")
    deducted: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for target_id, group_id, kind, points in chosen:
        if group_id is not None and kind != RuleKind.GRADE:
            deducted[(target_id, group_id)] += -points if kind == RuleKind.ADD else points
    if not deducted:
        return {}
    group_points = {i["group_id"]: i["group__points"] for i in indicators if i["group_id"]}
    scores: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for target_id, group_id, score in (
        Score.objects.filter(
            campaign_id=campaign.pk,
            status=ScoreStatus.APPROVED,
            target_id__in={t for t, _ in deducted},
            indicator__group_id__in={g for _, g in deducted},
        )
        .exclude(score__isnull=True)
        .values_list("target_id", "indicator__group_id", "score")
    ):
        scores[(target_id, group_id)].append(score or ZERO)
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (target_id, group_id), points in deducted.items():
        taken = scoring.group_subtotal(
            scores=scores.get((target_id, group_id), []), points=group_points.get(group_id), deducted=points
        ).taken
        result[target_id] += taken
    return result


def _survey_adjustments(campaign: Campaign, indicators: Sequence[Mapping[str, Any]]) -> dict[int, Decimal]:
    """Per target, what converting its 满意度测评 sections from their own scale
    into the sections' points changes in its indicator total. Only read when
    the framework has such sections."""
    survey = {i["id"]: i for i in indicators if i["survey"] and not i["bonus"]}
    if not survey:
        return {}
    raw: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for target_id, indicator_id, score in (
        Score.objects.filter(
            campaign_id=campaign.pk, status=ScoreStatus.APPROVED, indicator_id__in=list(survey)
        )
        .exclude(score__isnull=True)
        .values_list("target_id", "indicator_id", "score")
    ):
        raw[(target_id, survey[indicator_id]["section_id"])] += score or ZERO
    sections = {i["section_id"]: i for i in survey.values()}
    result: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (target_id, section_id), points in raw.items():
        s = sections[section_id]
        converted = scoring.survey_points(
            points,
            scale=s["section__survey_scale"],
            points=s["section__points"] or s["section__survey_scale"],
        )
        result[target_id] += converted - points
    return result


def _veto_results(campaign: Campaign, target_ids: Sequence[int]) -> dict[int, str]:
    """The wording of each vetoed target's veto (the first stated one; blank: 不合格)."""
    if not target_ids:
        return {}
    rows = (
        ScoreItem.objects.filter(
            score__campaign_id=campaign.pk,
            score__status=ScoreStatus.APPROVED,
            score__target_id__in=list(target_ids),
            kind=RuleKind.VETO,
        )
        .exclude(rule__veto_result="")
        .order_by("score__indicator__section__order", "score__indicator__order", "pk")
        .values_list("score__target_id", "rule__veto_result")
    )
    result: dict[int, str] = {}
    for target_id, wording in rows:
        result.setdefault(target_id, wording or "")
    return result


@dataclass(frozen=True)
class ClassOf:
    name: str
    full_marks: int  # hundredths; the target's own: the class's less what does not apply to it


def target_classes(
    campaign: Campaign,
    indicators: Sequence[Mapping[str, Any]],
    limited: Mapping[int, set[int]] | None = None,
) -> dict[int, ClassOf]:
    """分类考评: each classed target's class and own full marks. An indicator
    applying to some members of the class but not to this target is taken off
    its full marks, so its points are rescaled the same way (`scoring.own_full_marks`)."""
    classes = {
        pk: (name, full_marks)
        for pk, name, full_marks in UnitClass.objects.filter(campaign_id=campaign.pk)
        .order_by()
        .values_list("pk", "name", "full_marks")
    }
    if not classes:
        return {}
    members_of: dict[int, set[int]] = defaultdict(set)
    for class_id, org_id in _fetch(
        UnitClass.members.through.objects.filter(unitclass_id__in=list(classes))
        .order_by()
        .values_list("unitclass_id", "org_id")
    ):
        members_of[class_id].add(org_id)
    if limited is None:
        limited = _limited(indicators)
    max_of = {i["id"]: Decimal(i["max_score"]) for i in indicators if not i["bonus"]}
    result = {}
    for class_id, members in members_of.items():
        name, full_marks = classes[class_id]
        # the limited indicators applying to some members of the class: the
        # others are missing them (few: usually none or one)
        partial = [
            (max_of[pk], orgs)
            for pk, orgs in limited.items()
            if pk in max_of and not orgs.isdisjoint(members)
        ]
        whole = ClassOf(name, _cents(scoring.own_full_marks(class_full=full_marks, not_applying=ZERO)))
        if not partial:
            result.update(dict.fromkeys(members, whole))
            continue
        # per member, the points of the partial indicators not applying to it
        # (set differences: thousands of members, a handful of indicators)
        missing_of: dict[int, Decimal] = {}
        for points, orgs in partial:
            for target_id in members - orgs:
                missing_of[target_id] = missing_of.get(target_id, ZERO) + points
        result.update(dict.fromkeys(members - missing_of.keys(), whole))
        own: dict[Decimal, ClassOf] = {}
        for target_id, missing in missing_of.items():
            if not missing:
                result[target_id] = whole
                continue
            if missing not in own:
                own[missing] = ClassOf(
                    name, _cents(scoring.own_full_marks(class_full=full_marks, not_applying=missing))
                )
            result[target_id] = own[missing]
    return result


def campaign_inputs(campaign: Campaign) -> CampaignInputs:
    """Ranking inputs of every target of the campaign, in hundredths of a
    point (`scoring.TargetUnits`; a target without approved scores has 0).

    Lost points (Σ 分值 − 得分, a tie-break) are Σ 分值 of the applicable
    indicators minus the points when every applicable indicator of a target
    has an approved score; only incompletely scored targets need a second,
    small query. 负面清单 overflows, group rules, survey conversion, veto
    wording and classes each cost a query only when the framework (or the
    campaign) has them."""
    indicators = _indicator_meta(campaign)
    aggregates = score_totals(campaign.pk, indicators)
    vetoes = [pk for pk, totals in aggregates.items() if totals.vetoes]
    social = {
        target_id: _cents(score)
        for target_id, score in SocialEvaluation.objects.filter(campaign_id=campaign.pk)
        .order_by()
        .values_list("target_id", "score")
    }
    extra = _negative_list_deductions(campaign, indicators)
    group_taken = _group_deductions(campaign, indicators) if any(i["group_rule"] for i in indicators) else {}
    survey = _survey_adjustments(campaign, indicators)
    targets = _fetch(campaign.targets.order_by("code").values_list("pk", "code", "name", "short_name"))
    limited = _limited(indicators)
    applicable = _applicable_max(indicators, [t[0] for t in targets], limited)
    classes = target_classes(campaign, indicators, limited)
    incomplete = [pk for pk, *_ in targets if pk in aggregates and aggregates[pk][2] != applicable[pk][0]]
    bonus_ids = [i["id"] for i in indicators if i["bonus"]]
    scored_max = _scored_max(campaign, incomplete, bonus_ids) if incomplete else {}
    wording = _veto_results(campaign, vetoes)
    inputs, ids, scored = [], {}, {}
    for pk, code, name, short_name in targets:
        points, bonus, count, vetoed = aggregates.get(pk, NO_SCORES)
        total = points - bonus
        count_needed, max_needed = applicable[pk]
        lost = (max_needed if count == count_needed else scored_max.get(pk, 0)) - total
        if pk in group_taken or pk in survey:
            taken = _cents(group_taken.get(pk, ZERO))
            total = max(0, total - taken + _cents(survey.get(pk, ZERO)))
            lost += taken
        unit_class = classes.get(pk)
        inputs.append(
            scoring.TargetUnits(
                code,
                short_name or name,
                total,
                bonus,
                _cents(extra[pk]) if pk in extra else 0,
                vetoed > 0,
                social.get(pk),
                lost,
                wording.get(pk, ""),
                None if unit_class is None else unit_class.full_marks,
                "" if unit_class is None else unit_class.name,
            )
        )
        ids[code] = pk
        scored[code] = count
    return CampaignInputs(inputs=inputs, target_ids=ids, scored=scored)


def rank(inputs: Sequence[scoring.TargetUnits], rules: Rules) -> list[scoring.Ranked]:
    return scoring.rank_units(
        inputs,
        bonus_cap=rules.bonus_cap,
        social_weight=rules.social_weight,
        thresholds=rules.thresholds,
        excellent_quota=rules.excellent_quota,
        tie_break=rules.tie_break,
    )


def campaign_ranking(campaign: Campaign, rules: Rules | None = None) -> list[scoring.Ranked]:
    """Live ranking from the approved scores (the office's working view)."""
    return rank(campaign_inputs(campaign).inputs, rules or campaign_rules(campaign))


# --------------------------------------------------------------------------- what-if


@dataclass(frozen=True)
class WhatIfRow:
    now: scoring.Ranked
    was: scoring.Ranked

    @property
    def rank_move(self) -> int:
        """Positive: moved up (a smaller rank number)."""
        return self.was.rank - self.now.rank

    @property
    def rank_steps(self) -> int:
        return abs(self.rank_move)

    @property
    def grade_changed(self) -> bool:
        return self.was.grade != self.now.grade

    @property
    def total_delta(self) -> Decimal:
        return self.now.total - self.was.total


def what_if(campaign: Campaign, rules: Rules, *, inputs: CampaignInputs | None = None) -> list[WhatIfRow]:
    """Rank the same inputs under the campaign's rules and under `rules`;
    nothing is saved."""
    inputs = inputs or campaign_inputs(campaign)
    before = {r.code: r for r in rank(inputs.inputs, campaign_rules(campaign))}
    return [WhatIfRow(now=r, was=before[r.code]) for r in rank(inputs.inputs, rules)]


# --------------------------------------------------------------------------- per-target details


def section_totals(
    campaign: Campaign, target_ids: Sequence[int] | None = None
) -> dict[int, dict[int, Decimal]]:
    """Approved points per target and 板块 (one aggregate query)."""
    qs = Score.objects.filter(campaign_id=campaign.pk, status=ScoreStatus.APPROVED, score__isnull=False)
    if target_ids is not None:
        qs = qs.filter(target_id__in=list(target_ids))
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in qs.order_by().values("target_id", "indicator__section_id").annotate(points=Sum("score")):
        result[row["target_id"]][row["indicator__section_id"]] = row["points"]
    return result


def group_totals(
    campaign: Campaign, target_ids: Sequence[int] | None = None
) -> dict[int, dict[int, Decimal]]:
    """二级指标 subtotals per target and group: Σ of the group's approved
    scores less its group rules' deductions (`scoring.group_subtotal`); two
    queries, none more when the framework has no groups."""
    groups = dict(
        IndicatorGroup.objects.filter(section__framework_id=campaign.framework_id).values_list("pk", "points")
    )
    if not groups:
        return {}
    approved = Score.objects.filter(
        campaign_id=campaign.pk, status=ScoreStatus.APPROVED, indicator__group_id__in=list(groups)
    )
    if target_ids is not None:
        approved = approved.filter(target_id__in=list(target_ids))
    scores: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for target_id, group_id, score in approved.exclude(score__isnull=True).values_list(
        "target_id", "indicator__group_id", "score"
    ):
        scores[(target_id, group_id)].append(score or ZERO)
    deducted: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for target_id, group_id, kind, points in ScoreItem.objects.filter(
        score__in=approved, rule__scope=RuleScope.GROUP
    ).values_list("score__target_id", "score__indicator__group_id", "kind", "points"):
        if kind != RuleKind.GRADE:
            deducted[(target_id, group_id)] += -points if kind == RuleKind.ADD else points
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (target_id, group_id), values in scores.items():
        result[target_id][group_id] = scoring.group_subtotal(
            scores=values, points=groups[group_id], deducted=deducted.get((target_id, group_id), ZERO)
        ).subtotal
    return result


def lost_points(campaign: Campaign, target_id: int) -> list[Score]:
    """Approved scores of a target below 分值, with their items (the 失分项)."""
    from django.db.models import F, Prefetch

    return list(
        Score.objects.filter(
            campaign_id=campaign.pk,
            target_id=target_id,
            status=ScoreStatus.APPROVED,
            score__lt=F("indicator__max_score"),
        )
        .exclude(indicator__method=Method.BONUS)
        .select_related("indicator", "indicator__section", "entered_by", "reviewed_by", "assessor_org")
        .prefetch_related(Prefetch("items", queryset=ScoreItem.objects.select_related("rule")))
        .order_by("indicator__section__order", "indicator__order", "indicator__code")
    )
