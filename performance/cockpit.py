"""The cockpit's panel of 项目支出绩效自评 (see workbench.cockpit): the year's
budget projects' 预算执行率 (全年执行数 ÷ 全年预算数, as the scoring engine
computes it) and, for the year's main project (the largest 全年预算数), each
indicator's 得分率 (得分 ÷ 分值) with live values filled in as on its page."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from performance import metrics
from performance.engine.model import IndicatorResult
from performance.models import BudgetProject, Indicator
from performance.selectors import Scored, scored_project
from workbench import cockpit
from workbench.cockpit import Chart, Figure, PanelData, Series

HUNDRED = Decimal(100)


def project_years() -> QuerySet[BudgetProject, int]:
    return BudgetProject.objects.order_by("year").values_list("year", flat=True).distinct()


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _rate(score: Decimal | None, weight: Decimal) -> Decimal | None:
    if score is None or not weight:
        return None
    return (score * HUNDRED / weight).quantize(Decimal("0.1"), ROUND_HALF_UP)


def applicable(scored: Scored) -> list[tuple[Indicator, IndicatorResult]]:
    pairs = zip(scored.indicators, scored.result.indicators, strict=True)
    return [(ind, res) for ind, res in pairs if ind.applicable]


def _indicator_chart(scored: Scored) -> Chart:
    link = reverse("performance:project_detail", args=[scored.project.pk])
    rows = applicable(scored)
    return Chart(
        key="indicators",
        title=f"{scored.project.name}：绩效指标得分率",
        kind="hbar",
        categories=[f"{ind.level1[:2]}·{ind.name or ind.level2}" for ind, _ in rows],
        category_label="绩效指标",
        unit="%",
        max_value=100,
        series=[Series("得分率", [_rate(res.score, ind.weight) for ind, res in rows], [link] * len(rows))],
    )


def performance_panel(year: int) -> PanelData:
    panel = PanelData(
        key="performance", title="项目支出绩效", link=f"{reverse('performance:project_list')}?year={year}"
    )
    projects = list(
        BudgetProject.objects.filter(year=year)
        .select_related("org")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")))
        .order_by("name", "pk")
    )
    if not projects:
        panel.empty = f"{year}年度没有预算项目的绩效自评。"
        return panel
    live = metrics.LiveValues()
    scored = [scored_project(p, indicators=list(p.indicators.all()), live=live) for p in projects]
    main = max(scored, key=lambda s: (s.project.budget_adjusted or 0, -s.project.pk))
    result = main.result
    applicable_rows = applicable(main)
    full = sum(1 for ind, res in applicable_rows if res.score is not None and res.score >= ind.weight)
    panel.subtitle = f"{main.project.name}（{main.project.org.name}）"
    main_link = reverse("performance:project_detail", args=[main.project.pk])
    panel.figures = [
        Figure("全年预算数", _money(main.project.budget_adjusted), "元", link=main_link),
        Figure("全年执行数", _money(main.project.budget_executed), "元"),
        Figure("预算执行率", "—" if result.execution_rate is None else result.execution_rate, "%"),
        Figure("指标得满分", f"{full}/{len(applicable_rows)}", link=main_link),
        Figure("自评得分", f"{result.total}（{result.grade}）"),
    ]
    panel.charts = [
        Chart(
            key="execution",
            title="预算执行率",
            kind="hbar",
            categories=[s.project.name for s in scored],
            category_label="预算项目",
            unit="%",
            series=[
                Series(
                    "预算执行率",
                    [s.result.execution_rate for s in scored],
                    [reverse("performance:project_detail", args=[s.project.pk]) for s in scored],
                )
            ],
        ),
        _indicator_chart(main),
    ]
    return panel


cockpit.register(cockpit.Panel("performance", "项目支出绩效", performance_panel, project_years, order=40))
