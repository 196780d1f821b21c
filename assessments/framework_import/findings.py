"""Findings on an understood table: what the office should look at before saving.

Codes: subtotal_mismatch, total_mismatch, indicator_without_points,
rule_without_points, never_zero, unparsed_rule, duplicate_code,
section_without_indicators, rule_without_indicator (and, from structure.py,
no_section: indicators above any section; other_tables: more tables like it;
continued_table: a Word table read as the continuation of the one before). Pure Python.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from assessments.framework_import.model import (
    Finding,
    ParsedGroup,
    ParsedIndicator,
    ParsedSection,
    ParsedTable,
    TableKind,
    points_text,
)


def _sum(values: list[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if known else None


def group_points(group: ParsedGroup) -> Decimal | None:
    return group.points if group.points is not None else _sum([i.points for i in group.indicators])


def section_points(section: ParsedSection) -> Decimal | None:
    return section.points if section.points is not None else _sum([group_points(g) for g in section.groups])


def survey_scale_guess(section: ParsedSection) -> Decimal:
    """A survey section's scale when the table does not state it: its items are
    scored on it, so their points add up to it (100 when they have none)."""
    return _sum([i.points for i in section.indicators]) or Decimal(100)


def check(table: ParsedTable, *, orphans: list[str], unparsed: list[tuple[str, str]]) -> list[Finding]:
    findings: list[Finding] = []
    findings += _totals(table)
    for section in table.sections:
        findings += _section(section)
    for indicator in table.indicators:
        findings += _rules(indicator)
    findings += _duplicates(table)
    findings += [
        Finding("unparsed_rule", ref, f"未能识别的评分标准：「{text[:60]}」，请核对并手工设置细则。")
        for ref, text in unparsed
    ]
    findings += [
        Finding("rule_without_indicator", ref, "这一行有评分标准，但上方没有可归属的指标。")
        for ref in orphans
    ]
    return findings


# found while reading the cells, not from the tree: kept as they were when the tree is checked again
FROM_THE_CELLS = ("unparsed_rule", "rule_without_indicator", "no_section", "other_tables", "continued_table")


def recheck(table: ParsedTable, previous: list[Finding]) -> list[Finding]:
    """The findings of the tree as the office corrected it: every check on the tree
    again, plus the findings only the cells could tell (kept from `previous`)."""
    return check(table, orphans=[], unparsed=[]) + [f for f in previous if f.code in FROM_THE_CELLS]


def new_findings(findings: list[Finding], shown: list[Finding]) -> list[Finding]:
    """Those of `findings` the office has not been shown: a finding of the same kind
    at the same cell is the one shown (its wording follows a renamed indicator)."""
    seen = {(f.code, f.where) for f in shown}
    return [f for f in findings if (f.code, f.where) not in seen]


def _totals(table: ParsedTable) -> list[Finding]:
    if table.total is None:
        return []
    computed = _sum([section_points(s) for s in table.sections])
    if computed is None or computed == table.total:
        return []
    return [
        Finding(
            "total_mismatch",
            table.total_source,
            f"合计 {points_text(table.total)} 分，但各板块分值之和为 {points_text(computed)} 分。",
        )
    ]


def _section(section: ParsedSection) -> list[Finding]:
    findings = []
    if not section.indicators:
        findings.append(
            Finding("section_without_indicators", section.source, f"板块「{section.name}」下没有指标。")
        )
    computed = _sum([group_points(g) for g in section.groups])
    if section.points is not None and computed is not None and computed != section.points:
        findings.append(
            Finding(
                "subtotal_mismatch",
                section.points_source,
                f"板块「{section.name}」分值 {points_text(section.points)} 分，但其下各项之和为 {points_text(computed)} 分。",
            )
        )
    for group in section.groups:
        findings += _group(group)
    if section.kind == "standard" and not section.negative_list:
        findings += [
            Finding(
                "indicator_without_points",
                i.source,
                f"指标「{i.name}」没有分值（分值列、名称和评分标准中都没有）。",
            )
            for i in section.indicators
            if i.points is None
        ]
    return findings


def _group(group: ParsedGroup) -> list[Finding]:
    computed = _sum([i.points for i in group.indicators])
    if group.points is None or computed is None or computed == group.points:
        return []
    return [
        Finding(
            "subtotal_mismatch",
            group.points_source,
            f"二级指标「{group.name or ''}」分值 {points_text(group.points)} 分，但其下各指标之和为 {points_text(computed)} 分。",
        )
    ]


def _rules(indicator: ParsedIndicator) -> list[Finding]:
    findings = [
        Finding(
            "rule_without_points",
            rule.source,
            f"指标「{indicator.name}」的细则「{rule.text[:40]}」没有写明分值。",
        )
        for rule in indicator.rules
        if rule.kind in (TableKind.DEDUCT, TableKind.BONUS)
        and rule.points_each is None
        and rule.cap is None
        and not rule.whole
    ]
    reach = deduction_reach(indicator)
    if reach is not None and indicator.points is not None and reach < indicator.points:
        findings.append(
            Finding(
                "never_zero",
                indicator.rules[0].source,
                f"指标「{indicator.name}」分值 {points_text(indicator.points)} 分，"
                f"但各扣分项合计最多只能扣 {points_text(reach)} 分，永远扣不到 0 分。",
            )
        )
    return findings


def deduction_reach(indicator: ParsedIndicator) -> Decimal | None:
    """The most the deductions can ever take; None when unbounded or not only deductions."""
    rules = indicator.rules
    if not rules or any(r.kind != TableKind.DEDUCT or r.whole for r in rules):
        return None
    reach = Decimal(0)
    for rule in rules:
        if rule.cap is not None:
            reach += rule.cap
        elif rule.points_each is not None and not rule.per_occurrence:
            reach += rule.points_each
        else:
            return None
    return reach


def _duplicates(table: ParsedTable) -> list[Finding]:
    """Codes repeated: within a section any code; across sections only full codes
    ("1.2.3") — simple numbers restarting in each section are how tables number."""
    keys: list[tuple[str, ParsedIndicator]] = []
    for number, section in enumerate(table.sections):
        for indicator in section.indicators:
            code = indicator.code
            if code:
                keys.append((code if "." in code else f"{number}:{code}", indicator))
    counts = Counter(key for key, _ in keys)
    seen: set[str] = set()
    findings = []
    for key, indicator in keys:
        if counts[key] > 1 and key not in seen:
            seen.add(key)
            findings.append(
                Finding(
                    "duplicate_code",
                    indicator.source,
                    f"编号「{indicator.code}」出现了 {counts[key]} 次，指标编号应唯一。",
                )
            )
    return findings
