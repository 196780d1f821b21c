"""What the importer understood of a table: the tree, every number with its source cell, the findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class TableKind(StrEnum):
    """A rule's kind in the import's words (the JSON's): bonus is the model's RuleKind.ADD."""

    DEDUCT = "deduct"
    BONUS = "bonus"
    VETO = "veto"
    GRADE = "grade"
    DISCRETIONARY = "discretionary"
    FULL = "full"


KIND_LABELS: dict[str, str] = {
    TableKind.DEDUCT: "扣分",
    TableKind.BONUS: "加分",
    TableKind.GRADE: "等级",
    TableKind.VETO: "一票否决",
    TableKind.DISCRETIONARY: "酌情扣分",
    TableKind.FULL: "全额",
}


class TableError(Exception):
    """A table that cannot be understood (not a table, no header, no indicators,
    an unreadable file): nothing is imported; `message` names the row and column."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Finding:
    code: str
    where: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "where": self.where, "message": self.message}


@dataclass
class ParsedRule:
    text: str
    kind: str  # deduct | bonus | veto | grade | discretionary | full (the JSON's words)
    points_each: Decimal | None = None
    cap: Decimal | None = None
    min_points: Decimal | None = None  # 酌情扣分's lower end
    scope: str = "indicator"  # or "group": stated once for the group, listed on its first indicator
    veto_result: str = ""
    per_occurrence: bool = False  # "每发现一处…": may apply many times
    whole: bool = False  # "不得分": takes the indicator's whole points
    source: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "points_each": number(self.points_each),
            "cap": number(self.cap),
        }


@dataclass
class ParsedIndicator:
    name: str
    code: str | None = None
    points: Decimal | None = None
    points_source: str = ""
    rules: list[ParsedRule] = field(default_factory=list)
    overflow: bool = False  # 负面清单
    units: str = ""  # 责任单位
    description: str = ""
    source: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "points": number(self.points),
            "rules": [r.as_json() for r in self.rules],
        }


@dataclass
class ParsedGroup:
    name: str | None
    points: Decimal | None = None
    points_source: str = ""
    indicators: list[ParsedIndicator] = field(default_factory=list)
    source: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "points": number(self.points),
            "indicators": [i.as_json() for i in self.indicators],
        }


@dataclass
class ParsedSection:
    name: str
    points: Decimal | None = None
    points_source: str = ""
    kind: str = "standard"  # standard | bonus (附加项) | survey (满意度测评)
    negative_list: bool = False  # 负面清单: its indicators' deductions overflow
    in_total: bool = True  # False: a 附加项 added to / taken from the total beyond its full marks
    survey_scale: Decimal | None = None  # a survey's own scale (e.g. 100), converted into `points`
    groups: list[ParsedGroup] = field(default_factory=list)
    source: str = ""

    @property
    def indicators(self) -> list[ParsedIndicator]:
        return [i for g in self.groups for i in g.indicators]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "points": number(self.points),
            "groups": [g.as_json() for g in self.groups],
        }


@dataclass
class ParsedTable:
    title: str | None = None
    total: Decimal | None = None
    total_source: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def indicators(self) -> list[ParsedIndicator]:
        return [i for s in self.sections for i in s.indicators]

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "total": number(self.total),
            "sections": [s.as_json() for s in self.sections],
            "findings": [f.as_json() for f in self.findings],
        }


def number(value: Decimal | None) -> int | float | None:
    """A JSON number: 20 for 20.00, 0.5 for 0.50."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def points_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}"


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def table_to_data(table: ParsedTable) -> dict[str, Any]:
    """Everything understood (sources, kinds, scopes included), as plain JSON-able data
    (kept in the session between the preview and the save)."""
    from dataclasses import asdict

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(asdict(table))


def table_from_data(data: dict[str, Any]) -> ParsedTable:
    def rule(r: dict[str, Any]) -> ParsedRule:
        points = {k: _dec(r.get(k)) for k in ("points_each", "cap", "min_points")}
        return ParsedRule(**{**r, **points})

    def indicator(i: dict[str, Any]) -> ParsedIndicator:
        return ParsedIndicator(**{**i, "points": _dec(i["points"]), "rules": [rule(r) for r in i["rules"]]})

    def group(g: dict[str, Any]) -> ParsedGroup:
        return ParsedGroup(
            **{**g, "points": _dec(g["points"]), "indicators": [indicator(i) for i in g["indicators"]]}
        )

    def section(s: dict[str, Any]) -> ParsedSection:
        return ParsedSection(
            **{
                **s,
                "points": _dec(s["points"]),
                "survey_scale": _dec(s.get("survey_scale")),
                "groups": [group(g) for g in s["groups"]],
            }
        )

    return ParsedTable(
        title=data["title"],
        total=_dec(data["total"]),
        total_source=data["total_source"],
        sections=[section(s) for s in data["sections"]],
        findings=[Finding(**f) for f in data["findings"]],
    )
