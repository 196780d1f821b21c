"""Live metric for 绩效自评: the number of experts in the pool in a year.

The seed's target "依法治市咨询专家库专家人数 ≥12人" is read from the pool itself:
experts whose term of appointment overlaps the project's year and who were 在库
in it (在库 now, or suspended / withdrawn only after that year)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q

from experts.models import Expert, ExpertStatus


def pool_size(ctx: Any) -> Any:
    from performance.metrics import MetricValue

    first, last = datetime.date(ctx.year, 1, 1), datetime.date(ctx.year, 12, 31)
    still_in = Q(status=ExpertStatus.ACTIVE) | Q(status_changed_at__year__gt=ctx.year)
    count = Expert.objects.filter(still_in, term_start__lte=last, term_end__gte=first).count()
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
        description="聘期与该年度有交集、且该年度处于“在库”状态的咨询专家人数（来自专家库）。",
    )
