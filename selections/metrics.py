"""Figures of the 惠民实事 selection for other modules.

`completion(year, org_id=None)` tells how far the selected projects carried out in
`year` have got, with a sentence naming where the figure comes from. The
assessments scoring page shows it to the assessor beside the indicator an
edition names as its `indicator_code` (the demo: 5.8 法治惠民实事项目落实 of the
2023 framework reads the 2022 第一届 edition's ten); the 绩效自评 can bind an
indicator to `selections.nominations` and `selections.completion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from selections import selectors


@dataclass(frozen=True)
class Figure:
    value: Decimal  # % of projects with every milestone done
    text: str
    source: str
    projects: int
    complete: int


def completion(year: int, org_id: int | None = None) -> Figure | None:
    stats = selectors.completion(year, org_id)
    if stats is None:
        return None
    rate = (Decimal(stats["complete"]) * 100 / stats["projects"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
    text = (
        f"{stats['projects']} 个项目中 {stats['complete']} 个已完成全部节点（{rate.normalize():f}%）；"
        f"节点 {stats['milestones_done']}/{stats['milestones']} 已完成"
        + (f"，{stats['milestones_overdue']} 个逾期未完成" if stats["milestones_overdue"] else "")
        + "。"
    )
    source = (
        f"来源：惠民实事模块 · {'、'.join(stats['editions'])}入选项目的落实跟踪（责任单位报告），"
        f"截至 {stats['as_of']:%Y-%m-%d}。"
    )
    return Figure(rate, text, source, stats["projects"], stats["complete"])


def indicator_figures(indicator: Any, target: Any, year: int) -> list[dict[str, str]]:
    """For the assessments scoring page: the figures behind an indicator an edition is linked to."""
    from selections.models import Edition

    if not Edition.objects.filter(tracking_year=year, indicator_code=indicator.code).exists():
        return []
    figures = []
    own = completion(year, target.pk) if target is not None else None
    if own is not None:
        figures.append(
            {"label": f"{target.display_name}承担的惠民实事项目", "value": own.text, "source": own.source}
        )
    city = completion(year)
    if own is None and city is not None and target is not None:
        figures.append(
            {
                "label": f"{target.display_name}承担的惠民实事项目",
                "value": f"未承担 {year} 年落实的入选项目。",
                "source": city.source,
            }
        )
    if city is not None:
        figures.append({"label": "全市惠民实事项目", "value": city.text, "source": city.source})
    if not figures:
        figures.append({"label": "惠民实事项目", "value": "暂无跟踪数据。", "source": "来源：惠民实事模块。"})
    return figures


def register() -> None:
    try:
        from assessments import metrics as assessment_metrics

        register_figure = getattr(assessment_metrics, "register_indicator_figures", None)
        if register_figure is not None:
            register_figure(indicator_figures)
    except ImportError:  # the assessments module is not installed
        pass
    try:
        from performance import metrics as perf
    except ImportError:
        return

    def _nominations(ctx: perf.MetricContext) -> perf.MetricValue | None:
        from selections.models import Nomination

        count = Nomination.objects.filter(edition__year=ctx.year).count()
        return perf.MetricValue(count, "个") if count else None

    def _completion(ctx: perf.MetricContext) -> perf.MetricValue | None:
        figure = completion(ctx.year)
        return perf.MetricValue(figure.value, "%") if figure else None

    perf.register(
        "selections.nominations",
        "法治惠民实事：征集推荐项目数",
        _nominations,
        description="该年度评选收到的推荐项目数（单位推荐与群众推荐）。",
    )
    perf.register(
        "selections.completion",
        "法治惠民实事：入选项目完成率",
        _completion,
        description="在该年度落实的入选项目中，全部节点已完成的项目所占比例（%）。",
    )
