"""The data the engine scores and the result it gives back (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from performance.engine.values import Value, format_number

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass
class Indicator:
    level1: str
    level2: str
    name: str
    target: Value
    actual: Any  # as written: "12人", 12, "达成年度指标", None
    weight: Decimal
    declared_score: Decimal | None = None
    deviation_reason: str = ""
    applicable: bool = True
    row: int | None = None  # where it came from (xlsx row, JSON index), for messages


@dataclass
class Evaluation:
    project: str = ""
    department: str = ""
    year: int | None = None
    budget_initial: Decimal | None = None  # 年初预算数 (元)
    budget_adjusted: Decimal | None = None  # 全年预算数 (元)
    budget_executed: Decimal | None = None  # 全年执行数 (元)
    declared_execution_score: Decimal | None = None
    declared_total: Decimal | None = None
    execution_reason: str = ""
    goal: str = ""  # 年度总体目标
    goal_result: str = ""  # 总体目标实际完成情况
    narrative: str = ""  # report text, read for claims such as "全面完成"
    indicators: list[Indicator] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    indicator: str | None = None
    severity: str = WARNING
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "indicator": self.indicator,
            "message": self.message,
            "severity": self.severity,
            "row": self.row,
        }


@dataclass
class IndicatorResult:
    indicator: Indicator
    kind: str  # 正向 | 反向 | 等于 | 定性 | 不适用
    score: Decimal | None  # None: cannot be scored until the actual is a value
    ratio: Decimal | None = None  # completion ratio actual/target (定量)
    band: str = ""  # 定性 band name
    band_range: tuple[Decimal, Decimal] | None = None  # allowed scores for the band
    findings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.indicator.name

    def as_dict(self) -> dict[str, Any]:
        ind = self.indicator
        return {
            "level1": ind.level1,
            "level2": ind.level2,
            "name": ind.name,
            "target": ind.target.display() if ind.target.text or ind.target.number is not None else "",
            "actual": ""
            if ind.actual is None
            else (format_number(ind.actual) if isinstance(ind.actual, Decimal) else str(ind.actual)),
            "kind": self.kind,
            "weight": _num(ind.weight),
            "declared_score": _num(ind.declared_score),
            "score": _num(self.score),
            "band": self.band or None,
            "applicable": ind.applicable,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass
class Result:
    rule_set: str
    execution_rate: Decimal | None  # percent, rounded
    execution_score: Decimal | None
    indicators: list[IndicatorResult]
    total: Decimal
    max_total: Decimal
    declared_total: Decimal | None
    grade: str
    findings: list[Finding]
    declared_execution_score: Decimal | None = None
    rescale_factor: Decimal | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of `fazhi selfeval score --json` (rates in percent, scores to 2 decimals)."""
        return {
            "rule_set": self.rule_set,
            "execution_rate": _num(self.execution_rate),
            "execution_score": _num(self.execution_score),
            "declared_execution_score": _num(self.declared_execution_score),
            "indicators": [r.as_dict() for r in self.indicators],
            "total": _num(self.total),
            "max_total": _num(self.max_total),
            "declared_total": _num(self.declared_total),
            "grade": self.grade,
            "findings": [f.as_dict() for f in self.findings],
        }


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
