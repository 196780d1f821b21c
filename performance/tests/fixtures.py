"""Projects for view and API tests, made through the services (so they are audited)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from performance import services
from performance.models import BudgetProject

SEED_INDICATORS = [
    ("产出指标", "数量指标", "依法治市咨询专家库专家人数", "≥12人", "12人", "", 20, 20),
    ("产出指标", "数量指标", "法治江门建设考评", "7个县（市、区）", "7个", "", 20, 20),
    ("产出指标", "质量指标", "法治江门建设考评覆盖率", "100%", "100%", "", 20, 20),
    (
        "效益指标",
        "社会效益指标",
        "法治广东建设考评",
        "保持上年度考评等次",
        "达成年度指标（获评优秀等次）",
        "",
        15,
        14,
    ),
    ("效益指标", "可持续影响指标", "依法治市水平", "有提高", "达成年度指标", "", 15, 13),
]


def make_project(
    org: Any, *, name: str = "全面依法治市", year: int = 2023, live: bool = False, **fields: Any
) -> BudgetProject:
    values: dict[str, Any] = dict(
        budget_initial=Decimal(698000),
        budget_adjusted=Decimal(698000),
        budget_executed=Decimal(349845),
        declared_execution_score=Decimal(10),
        declared_total=Decimal(97),
        input_text="{年度}年度部门预算安排财政资金{全年预算数}元。",
        process_text="根据工作开展实际情况，全年度实际支出{全年执行数}元。",
    )
    values.update(fields)
    project = services.project_create(actor=None, org=org, year=year, name=name, **values)
    for level1, level2, ind_name, target, actual, metric, weight, declared in SEED_INDICATORS:
        services.indicator_create(
            actor=None,
            project=project,
            level1=level1,
            level2=level2,
            name=ind_name,
            target_text=target,
            actual=actual,
            live_metric="accounts.expert_accounts" if live and ind_name.endswith("人数") else metric,
            weight=Decimal(weight),
            declared_score=Decimal(declared),
        )
    return project


def table_post(project: BudgetProject, **overrides: Any) -> dict[str, Any]:
    """The detail page's form as the browser would post it, with `overrides` ("p-declared_total": "95")."""
    data: dict[str, Any] = {
        "p-budget_adjusted": str(project.budget_adjusted or ""),
        "p-budget_executed": str(project.budget_executed or ""),
        "p-declared_execution_score": str(project.declared_execution_score or ""),
        "p-declared_total": str(project.declared_total or ""),
        "p-execution_reason": project.execution_reason,
        "p-version": str(project.version),
    }
    for ind in project.indicators.all():
        prefix = f"i{ind.pk}-"
        data.update(
            {
                prefix + "level1": ind.level1,
                prefix + "level2": ind.level2,
                prefix + "name": ind.name,
                prefix + "target_text": ind.target_text,
                prefix + "actual": ind.actual,
                prefix + "live_metric": ind.live_metric,
                prefix + "weight": str(ind.weight),
                prefix + "declared_score": "" if ind.declared_score is None else str(ind.declared_score),
                prefix + "deviation_reason": ind.deviation_reason,
                prefix + "version": str(ind.version),
            }
        )
        if ind.applicable:
            data[prefix + "applicable"] = "on"
    data.update(overrides)
    return data
