"""Live metrics of 迎检 for the performance self-evaluation (绩效自评).

The seed's target "法治广东建设考评保持上年度考评等次" is read from the
recorded province grades; the share of accepted 迎检 tasks shows how far the
preparation has got."""

from __future__ import annotations

from typing import Any

from provincial import selectors
from provincial.models import ProvincialFramework, ProvincialResult


def province_grade(ctx: Any) -> Any:
    """The grade for the project's year if recorded, else the latest recorded before it.

    As a 定性 figure it names its band against the target "保持上年度考评等次":
    达成 when that year's grade is at least the year before's, 未达成 when lower,
    no band while the year before is unknown."""
    from performance.metrics import MetricValue

    result = ProvincialResult.objects.filter(year__lte=ctx.year).order_by("-year").first()
    if result is None:
        return None
    kept = selectors.grade_kept(result.year)
    band = "" if kept is None else ("达成年度指标" if kept else "未达成年度指标")
    return MetricValue(result.grade, band=band)


def task_completion(ctx: Any) -> Any:
    """Accepted tasks / all tasks of the year's framework (the latest one if that year has none)."""
    from performance.metrics import MetricValue

    framework = (
        ProvincialFramework.objects.filter(year=ctx.year).first()
        or ProvincialFramework.objects.filter(year__lte=ctx.year).order_by("-year").first()
    )
    rate = selectors.completion_rate(framework) if framework else None
    return MetricValue(rate, "%") if rate is not None else None


def register() -> None:
    try:
        from performance import metrics
    except ImportError:  # the performance module is not installed
        return
    metrics.register(
        "provincial.province_grade",
        "法治广东建设考评等次",
        province_grade,
        description="省委依法治省办通报的本市法治广东建设考评等次：取该年度的结果，未登记时取此前最近一年的结果。",
    )
    metrics.register(
        "provincial.task_completion",
        "迎检任务完成率",
        task_completion,
        description="该年度法治广东建设考评迎检任务中已通过审核的任务所占比例（%）。",
    )
