"""What changed between two frameworks (e.g. two years'): pure Python over the
plain structures of `selectors.framework_structure`. Sections, indicators and
rules are matched by code; an indicator that moved section counts as changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessments import framework_checks

INDICATOR_LABELS = {
    "name": "指标名称",
    "section": "所属板块",
    "max_score": "分值",
    "method": "评分方式",
    "bonus_cap": "加分上限",
    "evidence_required": "佐证材料要求",
    "description": "考评内容",
    "assessors": "考评单位",
    "applies_to": "适用单位",
    "group": "二级指标",
    "overflow": "负面清单",
    "evidence_mandatory": "佐证必传",
}
SECTION_LABELS = {
    "points": "板块分值",
    "kind": "板块类型",
    "in_total": "计入总分",
    "survey_scale": "测评满分",
}
SECTION_KINDS = {"standard": "常规板块", "bonus": "附加项", "survey": "满意度测评"}
RULE_LABELS = {
    "text": "细则内容",
    "kind": "类型",
    "points": "每次分值",
    "max_points": "累计上限",
    "min_points": "酌情扣分下限",
    "scope": "适用范围",
    "veto_result": "否决结果表述",
}


@dataclass
class Change:
    field: str
    label: str
    old: Any
    new: Any


@dataclass
class IndicatorDiff:
    code: str
    status: str  # "added" | "removed" | "changed" | "same"
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    changes: list[Change] = field(default_factory=list)
    rules_added: list[dict[str, Any]] = field(default_factory=list)
    rules_removed: list[dict[str, Any]] = field(default_factory=list)
    rules_changed: list[tuple[str, list[Change]]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return (self.new or self.old or {}).get("name", "")


@dataclass
class FrameworkDiff:
    sections_added: list[str]
    sections_removed: list[str]
    sections_renamed: list[tuple[str, str, str]]
    indicators: list[IndicatorDiff]
    old_total: Decimal
    new_total: Decimal
    # (code, name, changes) of a section kept under its code whose points, kind, … changed
    sections_changed: list[tuple[str, str, list[Change]]] = field(default_factory=list)

    @property
    def changed(self) -> list[IndicatorDiff]:
        return [d for d in self.indicators if d.status != "same"]

    def count(self, status: str) -> int:
        return sum(1 for d in self.indicators if d.status == status)

    @property
    def count_added(self) -> int:
        return self.count("added")

    @property
    def count_removed(self) -> int:
        return self.count("removed")

    @property
    def count_changed(self) -> int:
        return self.count("changed")

    @property
    def count_same(self) -> int:
        return self.count("same")


def _flatten(structure: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    result = {}
    for section in structure:
        groups = section.get("groups") or []
        for ind in section["indicators"]:
            group = ind.get("group")
            result[ind["code"]] = {
                **ind,
                "section": section["name"],
                "group": None if group is None else groups[group]["name"],
                "assessors": "、".join(sorted(name for _, _, name in ind["assessors"])),
                "applies_to": "、".join(sorted(name for _, _, name in ind["applies_to"])) or "全部",
            }
    return result


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _changes(old: dict[str, Any], new: dict[str, Any], labels: dict[str, str]) -> list[Change]:
    return [
        Change(key, label, old.get(key), new.get(key))
        for key, label in labels.items()
        if _norm(old.get(key)) != _norm(new.get(key))
    ]


def _section_plain(section: dict[str, Any]) -> dict[str, Any]:
    plain = {key: section.get(key) for key in SECTION_LABELS}
    plain["kind"] = SECTION_KINDS.get(plain["kind"] or "standard", plain["kind"])
    plain["in_total"] = "否" if section.get("in_total") is False else "是"
    return plain


def _sections_changed(
    old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]
) -> list[tuple[str, str, list[Change]]]:
    old_by_code = {s["code"]: s for s in old}
    result = []
    for section in new:
        before = old_by_code.get(section["code"])
        if before is None:
            continue
        changes = _changes(_section_plain(before), _section_plain(section), SECTION_LABELS)
        if changes:
            result.append((section["code"], section["name"], changes))
    return result


def framework_diff(old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]) -> FrameworkDiff:
    old_sections = {s["code"]: s["name"] for s in old}
    new_sections = {s["code"]: s["name"] for s in new}
    old_ind, new_ind = _flatten(old), _flatten(new)
    diffs = []
    order = list(new_ind) + [code for code in old_ind if code not in new_ind]
    for code in order:
        a, b = old_ind.get(code), new_ind.get(code)
        if a is None:
            diffs.append(IndicatorDiff(code, "added", None, b))
            continue
        if b is None:
            diffs.append(IndicatorDiff(code, "removed", a, None))
            continue
        d = IndicatorDiff(code, "same", a, b, changes=_changes(a, b, INDICATOR_LABELS))
        old_rules = {r["code"]: r for r in a["rules"]}
        new_rules = {r["code"]: r for r in b["rules"]}
        d.rules_added = [r for c, r in new_rules.items() if c not in old_rules]
        d.rules_removed = [r for c, r in old_rules.items() if c not in new_rules]
        for c, r in new_rules.items():
            if c in old_rules:
                rule_changes = _changes(old_rules[c], r, RULE_LABELS)
                if rule_changes:
                    d.rules_changed.append((c, rule_changes))
        if d.changes or d.rules_added or d.rules_removed or d.rules_changed:
            d.status = "changed"
        diffs.append(d)
    return FrameworkDiff(
        sections_added=[f"{c} {n}" for c, n in new_sections.items() if c not in old_sections],
        sections_removed=[f"{c} {n}" for c, n in old_sections.items() if c not in new_sections],
        sections_renamed=[
            (c, old_sections[c], n)
            for c, n in new_sections.items()
            if c in old_sections and old_sections[c] != n
        ],
        sections_changed=_sections_changed(old, new),
        indicators=diffs,
        old_total=framework_checks.counted_total(old),
        new_total=framework_checks.counted_total(new),
    )
