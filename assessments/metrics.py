"""Live metrics of 法治江门建设考评 for the performance self-evaluation (绩效自评).

A budget year's work is the campaign carried out in that year, which assesses
the year before (the seed: in 2023 the office ran the 2022年度 campaign), so a
project of year Y reads the campaign of year Y−1, or of Y when there is none.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from performance.metrics import MetricContext, MetricValue


def _campaign_for(year: int):
    from assessments.models import Campaign

    for candidate in (year - 1, year):
        campaign = Campaign.objects.filter(year=candidate).order_by("-pk").first()
        if campaign is not None:
            return campaign
    return None


def _assessed_targets(campaign) -> int:
    """Targets with at least one approved score: one row each in the totals
    the database keeps (`TargetTotal`), counted without reading the scores."""
    from assessments.models import TargetTotal

    return TargetTotal.objects.filter(campaign=campaign, scored__gt=0).count()


def targets_assessed(ctx: MetricContext) -> MetricValue | None:
    from performance.metrics import MetricValue

    campaign = _campaign_for(ctx.year)
    if campaign is None:
        return None
    return MetricValue(_assessed_targets(campaign), "个")


def coverage(ctx: MetricContext) -> MetricValue | None:
    from orgs.models import OrgType
    from orgs.selectors import targets
    from performance.metrics import MetricValue

    campaign = _campaign_for(ctx.year)
    total = targets().filter(type=OrgType.COUNTY).count()
    if campaign is None or total == 0:
        return None
    rate = (Decimal(_assessed_targets(campaign)) * 100 / total).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return MetricValue(rate, "%")


def register() -> None:
    try:
        from performance import metrics
    except ImportError:  # the performance module is not installed
        return
    metrics.register(
        "assessments.targets_assessed",
        "法治江门建设考评：已考评的县（市、区）数",
        targets_assessed,
        description="本年度开展的法治江门建设考评（上一年度考评）中已有生效评分的被考评单位数。",
    )
    metrics.register(
        "assessments.coverage",
        "法治江门建设考评覆盖率",
        coverage,
        description="已考评的县（市、区）数占全市县（市、区）数的比例（%）。",
    )


# Figures other modules keep about an indicator's subject, shown to the assessor on the
# scoring page (e.g. 5.8 法治惠民实事项目落实 reads the 惠民实事 tracking). A provider takes
# (indicator, target org, campaign year) and returns [{"label", "value", "source"}].
_indicator_figure_providers: list = []


def register_indicator_figures(provider) -> None:
    if provider not in _indicator_figure_providers:
        _indicator_figure_providers.append(provider)


def indicator_figures(indicator, target, year: int) -> list[dict[str, str]]:
    figures: list[dict[str, str]] = []
    for provider in _indicator_figure_providers:
        try:
            figures.extend(provider(indicator, target, year))
        except Exception:  # one module's bug must not break the scoring page
            import logging

            logging.getLogger(__name__).exception("indicator figures of %s failed", provider)
    return figures
