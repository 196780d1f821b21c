"""The JSON form of a 自评 (what `fazhi selfeval score FILE.json` reads), checked strictly.

{"project", "department", "year", "budget": {"initial", "adjusted", "executed"},
 "declared_total", "declared_execution_score"?, "execution_reason", "goal"?, "goal_result"?,
 "narrative"?: {section: text}, "indicators": [{"level1", "level2", "name",
 "target": "≥12人" | {"op": ">=", "value": 12, "unit": "人"} | {"op": "qualitative", "text": "有提高"},
 "actual": "12人" | 12 | "达成年度指标", "weight", "declared_score", "deviation_reason", "applicable"}]}

Bad input raises InputError listing every problem (row/field and a Chinese message);
nothing is half-read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from performance.engine.model import Evaluation, Indicator
from performance.engine.values import (
    EQ,
    GE,
    GT,
    LE,
    LT,
    QUALITATIVE,
    Value,
    format_number,
    parse_value,
    to_decimal,
)

_OP_ALIASES = {
    ">=": GE,
    "≥": GE,
    "<=": LE,
    "≤": LE,
    ">": GT,
    "<": LT,
    "=": EQ,
    "==": EQ,
    "qualitative": QUALITATIVE,
    "定性": QUALITATIVE,
}
NARRATIVE_KEYS = (
    "background",
    "completion",
    "input",
    "process",
    "target_setting",
    "performance",
    "practices",
    "problems",
    "conclusion",
)


@dataclass(frozen=True)
class Problem:
    message: str
    field: str
    row: int | None = None
    column: str | None = None

    def where(self) -> str:
        if self.row is not None and self.column:
            return f"第{self.row}行{self.column}列"
        if self.row is not None:
            return f"第{self.row}行"
        return ""

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "field": self.field, "message": self.message}


class InputError(ValueError):
    """Unreadable input: every problem found, each with its row/column or field."""

    def __init__(self, problems: list[Problem], summary: str = "") -> None:
        self.problems = problems
        self.summary = summary or f"输入有{len(problems)}处问题，未导入任何数据。"
        super().__init__(self.message)

    @property
    def message(self) -> str:
        details = "；".join(
            f"{p.where()}{'（' + p.field + '）' if p.field else ''}{p.message}".strip()
            for p in self.problems[:20]
        )
        more = f"；另有{len(self.problems) - 20}处问题" if len(self.problems) > 20 else ""
        return f"{self.summary}{details}{more}" if details else self.summary

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": "invalid_input",
            "message": self.message,
            "problems": [p.as_dict() for p in self.problems],
        }


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, message: str, field: str, row: int | None = None) -> None:
        self.problems.append(Problem(message, field, row))

    def number(
        self,
        value: Any,
        field: str,
        label: str,
        *,
        required: bool,
        row: int | None = None,
        minimum: Decimal | None = Decimal(0),
        positive: bool = False,
    ) -> Decimal | None:
        if value is None or value == "":
            if required:
                self.problem(f"{label}未填写。", field, row)
            return None
        number = to_decimal(value)
        if number is None:
            self.problem(f"{label}应为数字，实际为“{value}”。", field, row)
            return None
        if positive and number <= 0:
            self.problem(f"{label}应大于0，实际为{format_number(number)}。", field, row)
        elif minimum is not None and number < minimum:
            self.problem(f"{label}不能为负数，实际为{format_number(number)}。", field, row)
        return number

    def text(
        self, value: Any, field: str, label: str, row: int | None = None, *, required: bool = False
    ) -> str:
        if value is None:
            if required:
                self.problem(f"{label}未填写。", field, row)
            return ""
        if isinstance(value, (dict, list)):
            self.problem(f"{label}应为文字。", field, row)
            return ""
        text = str(value).strip()
        if required and not text:
            self.problem(f"{label}未填写。", field, row)
        return text


def target_from_json(value: Any) -> Value | str:
    """A Value, or the Chinese reason it cannot be one."""
    if isinstance(value, str):
        if not value.strip():
            return "指标值未填写。"
        return parse_value(value)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return parse_value(value)
    if isinstance(value, dict):
        op = _OP_ALIASES.get(str(value.get("op", "")).strip())
        if op is None:
            return f"指标值的运算符“{value.get('op')}”无法识别，应为 >=、<=、=、> 、< 或 qualitative。"
        if op == QUALITATIVE:
            text = str(value.get("text") or "").strip()
            return Value(QUALITATIVE, None, "", text) if text else "定性指标的指标值（text）未填写。"
        number = to_decimal(value.get("value"))
        if number is None:
            return f"指标值的数值应为数字，实际为“{value.get('value')}”。"
        unit = str(value.get("unit") or "")
        written = (
            f"{'' if op == EQ else {GE: '≥', LE: '≤', GT: '>', LT: '<'}[op]}{format_number(number)}{unit}"
        )
        return Value(op, number, unit, written, op_written=op != EQ)
    return "指标值未填写。" if value is None else f"指标值“{value}”无法识别。"


def _year(r: _Reader, value: Any) -> int | None:
    if value in (None, ""):
        return None
    number = to_decimal(value)
    if number is None or number != number.to_integral_value() or not 2000 <= number <= 2100:
        r.problem(f"年度应为四位整数，实际为“{value}”。", "year")
        return None
    return int(number)


def _indicator_from_json(r: _Reader, i: int, item: Any) -> Indicator | None:
    """The i-th indicator (1-based), its problems noted on `r`; None when it is not an object."""
    field = f"indicators[{i - 1}]"
    if not isinstance(item, dict):
        r.problem(f"第{i}个指标应为 JSON 对象。", field, i)
        return None
    name = r.text(item.get("name"), f"{field}.name", f"第{i}个指标的三级指标名称", i, required=True)
    label = f"第{i}个指标“{name}”" if name else f"第{i}个指标"
    target = target_from_json(item.get("target"))
    if isinstance(target, str):
        r.problem(f"{label}：{target}", f"{field}.target", i)
        target = Value(QUALITATIVE, None, "", "")
    actual = item.get("actual")
    if isinstance(actual, (dict, list, bool)):
        r.problem(f"{label}：实际完成值应为文字或数字。", f"{field}.actual", i)
        actual = None
    elif isinstance(actual, (int, float)):
        actual = to_decimal(actual)
    applicable = item.get("applicable", True)
    if not isinstance(applicable, bool):
        r.problem(f"{label}：applicable 应为 true 或 false。", f"{field}.applicable", i)
        applicable = True
    weight = r.number(item.get("weight"), f"{field}.weight", f"{label}的分值", required=True, row=i)
    return Indicator(
        level1=r.text(item.get("level1"), f"{field}.level1", f"{label}的一级指标", i, required=True),
        level2=r.text(item.get("level2"), f"{field}.level2", f"{label}的二级指标", i),
        name=name,
        target=target,
        actual=actual,
        weight=weight or Decimal(0),
        declared_score=r.number(
            item.get("declared_score"),
            f"{field}.declared_score",
            f"{label}的得分",
            required=False,
            row=i,
        ),
        deviation_reason=r.text(
            item.get("deviation_reason"), f"{field}.deviation_reason", f"{label}的偏差原因", i
        ),
        applicable=applicable,
        row=i,
    )


def evaluation_from_json(data: Any) -> Evaluation:
    if not isinstance(data, dict):
        raise InputError([Problem("应为 JSON 对象。", "")], "JSON 格式不对：")
    r = _Reader()
    budget = data.get("budget")
    if not isinstance(budget, dict):
        r.problem("预算（budget）未填写，应包含 initial、adjusted、executed。", "budget")
        budget = {}
    year = _year(r, data.get("year"))
    ev = Evaluation(
        project=r.text(data.get("project"), "project", "项目名称"),
        department=r.text(data.get("department"), "department", "主管部门"),
        year=year,
        budget_initial=r.number(budget.get("initial"), "budget.initial", "年初预算数", required=False),
        budget_adjusted=r.number(
            budget.get("adjusted"), "budget.adjusted", "全年预算数", required=True, positive=True
        ),
        budget_executed=r.number(budget.get("executed"), "budget.executed", "全年执行数", required=True),
        declared_total=r.number(data.get("declared_total"), "declared_total", "自评总分", required=False),
        declared_execution_score=r.number(
            data.get("declared_execution_score"), "declared_execution_score", "执行率得分", required=False
        ),
        execution_reason=r.text(data.get("execution_reason"), "execution_reason", "执行偏差原因"),
        goal=r.text(data.get("goal"), "goal", "年度总体目标"),
        goal_result=r.text(data.get("goal_result"), "goal_result", "总体目标完成情况"),
    )
    narrative = data.get("narrative")
    if isinstance(narrative, dict):
        ev.narrative = "\n".join(str(v) for v in narrative.values() if isinstance(v, str))
    elif isinstance(narrative, str):
        ev.narrative = narrative
    indicators = data.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        r.problem("指标（indicators）未填写，应为至少包含一个指标的列表。", "indicators")
        indicators = []
    for i, item in enumerate(indicators, start=1):
        if (indicator := _indicator_from_json(r, i, item)) is not None:
            ev.indicators.append(indicator)
    if r.problems:
        raise InputError(r.problems)
    return ev


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def target_to_json(target: Value) -> Any:
    if target.number is None:
        return {"op": QUALITATIVE, "text": target.text}
    return {"op": target.op, "value": _json_number(target.number), "unit": target.unit}


def evaluation_to_json(ev: Evaluation, *, narrative: dict[str, str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project": ev.project,
        "department": ev.department,
        "year": ev.year,
        "budget": {
            "initial": _json_number(ev.budget_initial),
            "adjusted": _json_number(ev.budget_adjusted),
            "executed": _json_number(ev.budget_executed),
        },
        "declared_total": _json_number(ev.declared_total),
        "declared_execution_score": _json_number(ev.declared_execution_score),
        "execution_reason": ev.execution_reason,
        "goal": ev.goal,
        "goal_result": ev.goal_result,
        "indicators": [
            {
                "level1": i.level1,
                "level2": i.level2,
                "name": i.name,
                "target": target_to_json(i.target),
                "actual": _json_number(i.actual) if isinstance(i.actual, Decimal) else i.actual,
                "weight": _json_number(i.weight),
                "declared_score": _json_number(i.declared_score),
                "deviation_reason": i.deviation_reason,
                "applicable": i.applicable,
            }
            for i in ev.indicators
        ],
    }
    if narrative:
        data["narrative"] = narrative
    return data
