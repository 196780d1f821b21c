"""考: the 述、评、督 figures shown to the assessor beside a campaign indicator.

The office links an indicator of the year's campaign (by code) to a figure
(`IndicatorFigureLink`); `indicator_figures(indicator, target, year)` is registered
with assessments.metrics and returns, for the target being scored only, each linked
figure with its source in words. For 督察 the deduction of linkage.finding_deduction
comes as a `proposal`: the 扣分 rule and count that give it (linkage.fit_deduction),
which the scoring page offers and the assessor accepts or not — nothing is written here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accountability import linkage, selectors
from accountability.models import Figure, IndicatorFigureLink, Rating, ShufaReport


def _shufa(target: Any, year: int) -> dict[str, Any]:
    reports = ShufaReport.objects.filter(round__year=year, org=target)
    total = reports.count()
    done = reports.filter(state="submitted").count()
    value = f"{done}/{total} 份述法报告已提交。" if total else f"{year}年没有本单位领导干部的述法报告。"
    return {
        "label": "述法报告提交情况",
        "value": value,
        "source": f"来源：述评督考责模块 · {year}年述法报告。",
    }


def _rating(target: Any, year: int) -> dict[str, Any]:
    pairs = Rating.objects.filter(
        report__round__year=year, report__org=target, report__state="submitted"
    ).values_list("grade", "score")
    summary = linkage.aggregate(pairs)
    if summary.mean is None:
        value = "暂无评议。"
    else:
        counts = "，".join(f"{grade} {summary.counts.get(grade, 0)} 份" for grade in linkage.GRADES)
        share = linkage.unsatisfied_percent(summary)
        value = f"平均 {summary.mean} 分（{summary.count} 份评议：{counts}；不满意占 {share}%）。"
    return {"label": "述法评议结果", "value": value, "source": f"来源：述评督考责模块 · {year}年述法评议。"}


def _findings(indicator: Any, target: Any, year: int) -> dict[str, Any]:
    facts = selectors.finding_facts(target, year)
    cap = min(Decimal(selectors.FINDING_CAP), Decimal(indicator.max_score))
    lost = linkage.finding_deduction(facts, cap=cap)
    in_time = sum(1 for f in facts if f.rectified_in_time)
    figure: dict[str, Any] = {
        "label": "督察发现问题",
        "value": f"发现问题 {len(facts)} 个（按期整改 {in_time} 个），按规则建议扣 {lost} 分。",
        "source": (
            f"来源：述评督考责模块 · {year}年综合督察；一般 0.5、较重 1、严重 2 分/个，按期整改减半，"
            f"最多扣 {cap.normalize():f} 分。"
        ),
    }
    if lost > 0:
        rules = [
            linkage.RuleSpec(r.pk, r.kind, Decimal(r.points), r.max_points)
            for r in indicator.rules.all().order_by("order", "code", "pk")
        ]
        fit = linkage.fit_deduction(lost, rules)
        figure["proposal"] = {
            "points": lost,
            "rule_id": fit.rule_id if fit else None,
            "count": fit.count if fit else 0,
            "reason": f"{year}年综合督察发现问题 {len(facts)} 个，按述评督考责联动规则扣 {lost} 分。",
        }
    return figure


def indicator_figures(indicator: Any, target: Any, year: int) -> list[dict[str, Any]]:
    if target is None:
        return []
    figures = IndicatorFigureLink.objects.filter(year=year, indicator_code=indicator.code).values_list(
        "figure", flat=True
    )
    shown = []
    for figure in sorted(figures, key=Figure.values.index):
        if figure == Figure.SHUFA:
            shown.append(_shufa(target, year))
        elif figure == Figure.RATING:
            shown.append(_rating(target, year))
        else:
            shown.append(_findings(indicator, target, year))
    return shown


def register() -> None:
    try:
        from assessments import metrics as assessment_metrics
    except ImportError:  # the assessments module is not installed
        return
    assessment_metrics.register_indicator_figures(indicator_figures)
