"""Small builders for engine tests (plain Python, no Django)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from performance.engine import Evaluation, Indicator, parse_value


def D(value: Any) -> Decimal:
    return Decimal(str(value))


def indicator(
    name: str = "指标",
    target: Any = "≥10人",
    actual: Any = "10人",
    weight: Any = 10,
    declared: Any = None,
    *,
    level1: str = "产出指标",
    level2: str = "数量指标",
    reason: str = "",
    applicable: bool = True,
) -> Indicator:
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        target=parse_value(target),
        actual=actual,
        weight=D(weight),
        declared_score=None if declared is None else D(declared),
        deviation_reason=reason,
        applicable=applicable,
    )


def seed_evaluation(**overrides: Any) -> Evaluation:
    """The seed's project: 698,000 / 349,845 元, five targets, declared 97."""
    values: dict[str, Any] = dict(
        project="全面依法治市",
        department="江门市司法局",
        year=2023,
        budget_initial=D(698000),
        budget_adjusted=D(698000),
        budget_executed=D(349845),
        declared_total=D(97),
        declared_execution_score=D(10),
        indicators=[
            indicator("依法治市咨询专家库专家人数", "≥12人", "12人", 20, 20),
            indicator("法治江门建设考评县（市、区）数", "7个县（市、区）", "7个", 20, 20),
            indicator("法治江门建设考评覆盖率", "100%", "100%", 20, 20, level2="质量指标"),
            indicator(
                "法治广东建设考评等次",
                "保持上年度考评等次",
                "达成年度指标（获评优秀等次）",
                15,
                14,
                level1="效益指标",
                level2="社会效益指标",
            ),
            indicator(
                "依法治市水平", "有提高", "达成年度指标", 15, 13, level1="效益指标", level2="可持续影响指标"
            ),
        ],
    )
    values.update(overrides)
    return Evaluation(**values)


def balanced_evaluation(indicators: list[Indicator], **overrides: Any) -> Evaluation:
    values: dict[str, Any] = dict(budget_adjusted=D(100), budget_executed=D(100), indicators=indicators)
    values.update(overrides)
    return Evaluation(**values)


def codes(result: Any) -> list[str]:
    return [f.code for f in result.findings]
