"""Live metrics: figures of the system itself that an indicator's 实际完成值 can be bound to.

Any app registers its own in its AppConfig.ready():

    from performance import metrics

    metrics.register(
        "assessments.targets_assessed",            # key, namespaced by app
        "法治建设考评：已考评的县（市、区）数",       # the label users choose from
        lambda ctx: metrics.MetricValue(count, "个"),  # value + unit for the project's year
    )

The function gets a MetricContext (the project's year and org) and returns a
MetricValue, or None when it has no figure (the indicator then counts as having
no actual). It must be cheap: a couple of queries. Values are shown as "实时" in
the UI and frozen into the indicator when the evaluation is submitted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from performance.engine.values import format_number

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MetricContext:
    year: int
    org_id: int | None = None


@dataclass(frozen=True)
class MetricValue:
    value: Decimal | int | str
    unit: str = ""
    # For a 定性 indicator: the band the figure means ("达成年度指标"), which the rules need.
    band: str = ""

    def text(self) -> str:
        figure = (
            self.value if isinstance(self.value, str) else f"{format_number(Decimal(self.value))}{self.unit}"
        )
        return f"{self.band}（{figure}）" if self.band else figure


MetricFn = Callable[[MetricContext], MetricValue | None]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    fn: MetricFn
    description: str = ""


_registry: dict[str, Metric] = {}


def register(key: str, label: str, fn: MetricFn, *, description: str = "") -> None:
    """Register (or replace, so reloading an app is harmless) a live metric."""
    _registry[key] = Metric(key, label, fn, description)


def get(key: str) -> Metric | None:
    return _registry.get(key)


def choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in sorted(_registry.values(), key=lambda m: m.label)]


def evaluate(key: str, context: MetricContext) -> MetricValue | None:
    """The metric's value now; None if unknown or if its function fails (logged, never raised)."""
    metric = _registry.get(key)
    if metric is None:
        return None
    try:
        return metric.fn(context)
    except Exception:  # one module's bug must not break every 自评 page
        logger.exception("live metric %s failed", key)
        return None


class LiveValues:
    """Per-request memo: each (metric, year, org) is evaluated once however many projects show it."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int, int | None], MetricValue | None] = {}

    def get(self, key: str, context: MetricContext) -> MetricValue | None:
        cache_key = (key, context.year, context.org_id)
        if cache_key not in self._cache:
            self._cache[cache_key] = evaluate(key, context)
        return self._cache[cache_key]


# ----------------------------------------------------------- built-in metrics


def _targets_count(ctx: MetricContext) -> MetricValue:
    from orgs.selectors import targets

    return MetricValue(targets().count(), "个")


def _expert_accounts(ctx: MetricContext) -> MetricValue:
    from accounts import roles
    from accounts.models import User

    return MetricValue(User.objects.filter(role_id=roles.EXPERT, is_active=True).count(), "人")


def register_builtin() -> None:
    register(
        "orgs.targets",
        "被考评单位数（组织机构中的考评对象）",
        _targets_count,
        description="组织机构中标记为被考评单位且在用的单位数。",
    )
    register(
        "accounts.expert_accounts",
        "专家库专家人数（按专家账号统计）",
        _expert_accounts,
        description="角色为“专家”且在用的账号数；专家库模块上线后由其提供专家人数。",
    )


def describe() -> list[dict[str, Any]]:
    return [{"key": m.key, "label": m.label, "description": m.description} for m in _registry.values()]
