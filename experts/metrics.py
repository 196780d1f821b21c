"""Live metric for 绩效自评: the number of experts in the pool in a year.

The seed's target "依法治市咨询专家库专家人数 ≥12人" is read from the pool itself:
experts 在库 whose term of appointment overlaps the project's year."""

from __future__ import annotations

import datetime
from typing import Any

from experts.models import Expert, ExpertStatus


def pool_size(ctx: Any) -> Any:
    from performance.metrics import MetricValue

    first, last = datetime.date(ctx.year, 1, 1), datetime.date(ctx.year, 12, 31)
    count = Expert.objects.filter(
        status=ExpertStatus.ACTIVE, term_start__lte=last, term_end__gte=first
    ).count()
    return MetricValue(count, "人")


def register() -> None:
    try:
        from performance import metrics
    except ImportError:  # the performance module is not installed
        return
    metrics.register(
        "experts.pool_size",
        "依法治市咨询专家库在库专家人数",
        pool_size,
        description="状态为“在库”且聘期与该年度有交集的咨询专家人数（来自专家库）。",
    )
