"""What locking a 考评办法 checks, on its plain data (`selectors.frameworks.
framework_structure`) — pure Python, no Django.

Errors block the lock; warnings are shown and do not.

* Subtotals, level by level: a 二级指标's indicators add up to its points, a
  板块's groups and ungrouped indicators to the section's points, and the
  sections counted in the total (not a 附加项 outside it; a 满意度测评 section
  counts its points, not its scale) to the framework's 总分. A level without
  stated points is not checked but its indicators still count upwards.
  加分 indicators never count towards a subtotal.
* A 满意度测评 section's indicators add up to its scale.
* Warnings: a 扣分制 indicator stopping at 0 (扣完为止) whose rules can never
  take it to 0 (every deduction capped, e.g. at most 2.5 of 3 points).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from assessments.scoring import (
    BONUS,
    DEDUCT,
    ITEM_ADD,
    ITEM_DEDUCT,
    ITEM_DISCRETIONARY,
    ITEM_FULL,
    ITEM_VETO,
)

ZERO = Decimal("0")
# the values of models.SectionKind and models.RuleScope (this module imports nothing from Django)
SECTION_BONUS, SECTION_SURVEY = "bonus", "survey"
SCOPE_GROUP = "group"
GRADE_ITEM = "grade"


def _fmt(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _counted(ind: Mapping[str, Any]) -> Decimal:
    return ZERO if ind.get("method") == BONUS else Decimal(ind["max_score"])


def _mismatch(what: str, total: Decimal, stated: Decimal) -> str:
    gap = stated - total
    more_less = f"还差 {_fmt(gap)} 分" if gap > 0 else f"超出 {_fmt(-gap)} 分"
    return f"{what}：下设各项合计 {_fmt(total)} 分，与其分值 {_fmt(stated)} 分不一致（{more_less}）。"


def section_points(section: Mapping[str, Any], problems: list[str] | None = None) -> Decimal:
    """What a section contributes: its stated points, or the sum of its groups
    and ungrouped indicators; mismatches are appended to `problems`."""
    groups = section.get("groups") or []
    by_group: dict[int, Decimal] = {}
    loose = ZERO
    for ind in section["indicators"]:
        if ind.get("group") is None:
            loose += _counted(ind)
        else:
            by_group[ind["group"]] = by_group.get(ind["group"], ZERO) + _counted(ind)
    total = loose
    for n, group in enumerate(groups):
        inside = by_group.get(n, ZERO)
        if group.get("points") is not None:
            if problems is not None and inside != Decimal(group["points"]):
                problems.append(_mismatch(f"二级指标「{group['name']}」", inside, Decimal(group["points"])))
            total += Decimal(group["points"])
        else:
            total += inside
    stated = section.get("points")
    if section.get("kind") == SECTION_SURVEY:
        scale = section.get("survey_scale")
        if problems is not None and scale is not None and section["indicators"] and total != Decimal(scale):
            problems.append(
                f"满意度测评板块「{section['name']}」：各项合计 {_fmt(total)} 分，与测评满分 {_fmt(Decimal(scale))} 分不一致。"
            )
        return Decimal(stated) if stated is not None else ZERO
    if stated is None:
        return total
    if problems is not None and section.get("kind") != SECTION_BONUS and total != Decimal(stated):
        problems.append(_mismatch(f"板块「{section['name']}」", total, Decimal(stated)))
    return Decimal(stated)


def in_total(section: Mapping[str, Any]) -> bool:
    return section.get("in_total", True) is not False


def counted_total(structure: Sequence[Mapping[str, Any]]) -> Decimal:
    """Σ of the sections counted in the total (what must equal the 总分)."""
    return sum((section_points(s) for s in structure if in_total(s)), ZERO)


def subtotal_problems(structure: Sequence[Mapping[str, Any]], total_score: Decimal) -> list[str]:
    problems: list[str] = []
    total = ZERO
    for section in structure:
        points = section_points(section, problems)
        if in_total(section):
            total += points
    if total != Decimal(total_score):
        gap = Decimal(total_score) - total
        more_less = f"还差 {_fmt(gap)} 分" if gap > 0 else f"超出 {_fmt(-gap)} 分"
        problems.append(
            f"计入总分的各板块合计 {_fmt(total)} 分（加分指标、总分外的附加项不计入），"
            f"与总分 {_fmt(Decimal(total_score))} 分不一致（{more_less}）。"
        )
    return problems


def _most_deducted(rules: Sequence[Mapping[str, Any]]) -> Decimal | None:
    """The most the indicator's own rules can take away; None: without limit
    (an uncapped per-time deduction, a veto or a 全额 requirement)."""
    most = ZERO
    for rule in rules:
        kind = rule.get("kind")
        if rule.get("scope") == SCOPE_GROUP or kind in (ITEM_ADD, GRADE_ITEM):
            continue
        if kind in (ITEM_VETO, ITEM_FULL):
            return None
        cap = rule.get("max_points")
        if cap is None:
            if kind == ITEM_DEDUCT and Decimal(rule.get("points") or 0) > 0:
                return None
            continue
        most += Decimal(cap)
    return most


def rule_warnings(structure: Sequence[Mapping[str, Any]]) -> list[str]:
    warnings = []
    for section in structure:
        for ind in section["indicators"]:
            deductive = [
                r for r in ind.get("rules", []) if r.get("kind") in (ITEM_DEDUCT, ITEM_DISCRETIONARY)
            ]
            if ind.get("method") != DEDUCT or ind.get("overflow") or not deductive:
                continue
            most = _most_deducted(ind.get("rules", []))
            if most is not None and most < Decimal(ind["max_score"]):
                warnings.append(
                    f"指标 {ind['code']}「{ind['name']}」：各细则合计最多扣 {_fmt(most)} 分，"
                    f"本指标 {_fmt(Decimal(ind['max_score']))} 分不可能被扣至 0 分，请核对细则的累计上限。"
                )
    return warnings
