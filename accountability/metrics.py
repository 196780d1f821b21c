"""Live figures of 述、评、督 for the campaign's indicators (考 linkage).

Registered in the live-metric registry (performance.metrics) under
accountability.shufa_submitted / accountability.rating / accountability.findings;
each takes the target org and year (MetricContext) and returns the figure with
its source in words, so nobody retypes what this module already knows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from performance.metrics import MetricContext, MetricValue


def _org(ctx: MetricContext):
    from orgs.models import Org

    return Org.objects.filter(pk=ctx.org_id).first() if ctx.org_id else None


def shufa_submitted(ctx: MetricContext) -> MetricValue | None:
    from accountability.models import ShufaReport
    from performance.metrics import MetricValue

    org = _org(ctx)
    if org is None:
        return None
    qs = ShufaReport.objects.filter(round__year=ctx.year, org=org)
    total = qs.count()
    if total == 0:
        return None
    done = qs.filter(state="submitted").count()
    return MetricValue(f"{done}/{total} 份已提交（来源：{ctx.year}年述法报告）")


def rating(ctx: MetricContext) -> MetricValue | None:
    from accountability import linkage
    from accountability.models import Rating
    from performance.metrics import MetricValue

    org = _org(ctx)
    if org is None:
        return None
    pairs = Rating.objects.filter(
        report__round__year=ctx.year, report__org=org, report__state="submitted"
    ).values_list("grade", "score")
    summary = linkage.aggregate(pairs)
    if summary.mean is None:
        return None
    share = linkage.unsatisfied_percent(summary)
    return MetricValue(
        summary.mean,
        f"分（{summary.count} 份评议，不满意 {share}%；来源：{ctx.year}年述法评议）",
    )


def findings(ctx: MetricContext) -> MetricValue | None:
    from accountability import linkage, selectors
    from performance.metrics import MetricValue

    org = _org(ctx)
    if org is None:
        return None
    facts = selectors.finding_facts(org, ctx.year)
    lost = linkage.finding_deduction(facts, cap=Decimal(selectors.FINDING_CAP))
    return MetricValue(f"发现问题 {len(facts)} 个，建议扣 {lost} 分（来源：{ctx.year}年综合督察）")


def register() -> None:
    try:
        from performance import metrics
    except ImportError:
        return
    metrics.register(
        "accountability.shufa_submitted",
        "述法：本单位述法报告提交情况",
        shufa_submitted,
        description="本年度述法工作中，本单位领导干部已提交的述法报告数 / 应提交数。",
    )
    metrics.register(
        "accountability.rating",
        "评议：本单位述法报告评议平均分",
        rating,
        description="已提交述法报告的全部评议的平均分，附评议份数与不满意占比。",
    )
    metrics.register(
        "accountability.findings",
        "督察：本单位督察发现问题数及建议扣分",
        findings,
        description="本年度督察发现问题数；建议扣分按一般 0.5、较重 1、严重 2 分/个，按期整改减半，最多扣 5 分。",
    )
