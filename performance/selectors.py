"""Reads for 项目支出绩效自评: lists, and a project turned into the engine's terms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from performance import metrics
from performance.engine import Evaluation, Result, load_rule_set, score_evaluation
from performance.engine import Indicator as EngineIndicator
from performance.engine.values import QUALITATIVE, Value
from performance.models import BudgetProject, Indicator, ProjectStatus

if TYPE_CHECKING:
    from accounts.models import User


def projects_for(user: User) -> QuerySet[BudgetProject]:
    """The projects `user` may see (see performance.access)."""
    from performance.access import sees_all_projects

    qs = BudgetProject.objects.select_related("org")
    if sees_all_projects(user):
        return qs
    if user.is_authenticated and user.org_id and not user.is_admin_role:
        return qs.filter(org_id=user.org_id)
    return qs.none()


def project_list(
    *, user: User, year: int | None = None, status: str = "", query: str = ""
) -> QuerySet[BudgetProject]:
    qs = projects_for(user).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk"))
    )
    if year:
        qs = qs.filter(year=year)
    if status in ProjectStatus.values:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(org__name__icontains=query) | Q(org__short_name__icontains=query)
        )
    return qs


def project_years(user: User) -> list[int]:
    return list(projects_for(user).order_by("-year").values_list("year", flat=True).distinct())


@dataclass(frozen=True)
class Actual:
    """What counts as an indicator's 实际完成值, and where it came from."""

    value: str | None
    source: str = ""  # "" (typed) | "live" | "frozen"
    metric_label: str = ""


def actual_of(indicator: Indicator, project: BudgetProject, live: metrics.LiveValues) -> Actual:
    if not indicator.live_metric:
        return Actual(indicator.actual.strip() or None)
    metric = metrics.get(indicator.live_metric)
    label = metric.label if metric else indicator.live_metric
    if not project.is_draft and indicator.frozen_at is not None:
        return Actual(indicator.frozen_value or None, "frozen", label)
    value = live.get(indicator.live_metric, metrics.MetricContext(project.year, project.org_id))
    return Actual(value.text() if value else None, "live", label)


def target_of(indicator: Indicator) -> Value:
    if indicator.target_op == QUALITATIVE or indicator.target_value is None:
        return Value(QUALITATIVE, None, "", indicator.target_text)
    return Value(
        indicator.target_op,
        indicator.target_value.normalize() if indicator.target_value else Decimal(0),
        indicator.target_unit,
        indicator.target_text,
        op_written=indicator.target_op != "=",
    )


def engine_indicator(indicator: Indicator, actual: Actual) -> EngineIndicator:
    return EngineIndicator(
        level1=indicator.level1,
        level2=indicator.level2,
        name=indicator.name,
        target=target_of(indicator),
        actual=actual.value,
        weight=indicator.weight,
        declared_score=indicator.declared_score,
        deviation_reason=indicator.deviation_reason,
        applicable=indicator.applicable,
        row=indicator.position or None,
    )


def evaluation_of(
    project: BudgetProject, indicators: Iterable[Indicator], actuals: dict[int, Actual]
) -> Evaluation:
    return Evaluation(
        project=project.name,
        department=project.org.name,
        year=project.year,
        budget_initial=project.budget_initial,
        budget_adjusted=project.budget_adjusted,
        budget_executed=project.budget_executed,
        declared_execution_score=project.declared_execution_score,
        declared_total=project.declared_total,
        execution_reason=project.execution_reason,
        goal=project.goal,
        goal_result=project.goal_result,
        narrative="\n".join(v for v in project.narrative().values() if v),
        indicators=[engine_indicator(i, actuals[i.pk]) for i in indicators],
    )


@dataclass
class Scored:
    project: BudgetProject
    indicators: list[Indicator]
    actuals: dict[int, Actual]
    evaluation: Evaluation
    result: Result

    def rows(self) -> list[tuple[Indicator, Actual, object]]:
        return list(
            zip(
                self.indicators,
                (self.actuals[i.pk] for i in self.indicators),
                self.result.indicators,
                strict=True,
            )
        )


def scored_project(
    project: BudgetProject,
    *,
    indicators: list[Indicator] | None = None,
    live: metrics.LiveValues | None = None,
) -> Scored:
    """The project scored by its rule set, with live values filled in (or frozen ones once submitted)."""
    live = live or metrics.LiveValues()
    if indicators is None:
        indicators = list(project.indicators.all())
    actuals = {i.pk: actual_of(i, project, live) for i in indicators}
    evaluation = evaluation_of(project, indicators, actuals)
    return Scored(
        project,
        indicators,
        actuals,
        evaluation,
        score_evaluation(evaluation, load_rule_set(project.rule_set)),
    )


def draft_projects_with_findings(user: User) -> list[tuple[BudgetProject, int]]:
    """Drafts the user may edit whose scoring finds errors (for the to-do list)."""
    from performance.engine import ERROR

    out = []
    live = metrics.LiveValues()
    qs = project_list(user=user, status=ProjectStatus.DRAFT).order_by("-year", "name")[:20]
    for project in qs:
        scored = scored_project(project, indicators=list(project.indicators.all()), live=live)
        errors = sum(1 for f in scored.result.findings if f.severity == ERROR)
        if errors:
            out.append((project, errors))
    return out
