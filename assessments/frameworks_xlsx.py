"""考评办法 as xlsx: one row per 评分细则 (an indicator without 细则 is one row
with the 细则 columns empty). Import is all-or-nothing: `parse` either returns
the whole structure or every problem with its row and column."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter

from assessments.models import Method, RuleKind, RuleScope, SectionKind
from documents.ooxml import FileRefused, open_workbook_bounded
from documents.xlsx import table_workbook

HEADERS = [
    "板块编号",
    "板块名称",
    "指标编号",
    "指标名称",
    "分值",
    "评分方式",
    "加分上限",
    "考评内容",
    "佐证材料要求",
    "考评单位",
    "适用单位",
    "细则编号",
    "细则内容",
    "细则类型",
    "每次分值",
    "累计上限",
    # #9: the framework's shape as offices write it (optional on import: older files lack them)
    "板块分值",
    "板块类型",
    "计入总分",
    "测评满分",
    "二级指标",
    "二级指标分值",
    "负面清单",
    "佐证必传",
    "酌情扣分下限",
    "适用范围",
    "否决结果表述",
    # the 二级指标's own number ("（一）"), kept apart from its name
    "二级指标编号",
]
SECTION_KIND_BY_LABEL = {label: value for value, label in SectionKind.choices} | {
    v: v for v, _ in SectionKind.choices
}
SCOPE_BY_LABEL = {label: value for value, label in RuleScope.choices} | {v: v for v, _ in RuleScope.choices}
YES, NO = ("是", "√", "Y", "y", "yes", "1", "TRUE", "True"), ("否", "", "N", "n", "no", "0", "FALSE", "False")
REQUIRED_HEADERS = ["板块编号", "板块名称", "指标编号", "指标名称", "分值"]
# other words offices put in a header for one of our columns
HEADER_ALIASES = {"必须上传": "佐证必传", "佐证材料必须上传": "佐证必传", "二级指标序号": "二级指标编号"}
METHOD_BY_LABEL = {label: value for value, label in Method.choices} | {v: v for v, _ in Method.choices}
KIND_BY_LABEL = {label: value for value, label in RuleKind.choices} | {v: v for v, _ in RuleKind.choices}
SEPARATORS = re.compile(r"[、，,;；/\n\s]+")
MAX_ROWS = 5000
MAX_COLS = 100


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # header label, "" for the whole row
    message: str
    letter: str = ""

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        if self.column:
            where += f"，{self.letter + ' 列' if self.letter else ''}「{self.column}」"
        return f"{where}：{self.message}"


class ImportFailed(Exception):
    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = list(errors)


def read_rows(content: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header labels and (row number, values) of the first sheet; raises ImportFailed."""
    try:
        book = open_workbook_bounded(content, max_rows=2 * MAX_ROWS, max_cols=MAX_COLS)
    except FileRefused as exc:
        raise ImportFailed([RowError(0, "", exc.message)]) from None
    try:
        wb = book.openpyxl(read_only=True)
    except Exception:
        raise ImportFailed([RowError(0, "", "无法读取文件，请上传 Excel（.xlsx）格式的文件。")]) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(max_row=max(book.rows, 1), max_col=max(book.cols, 1), values_only=True)
    header_row = next(rows, None)
    if not header_row:
        raise ImportFailed([RowError(1, "", "文件为空，缺少表头。")])
    headers = [str(h).strip() if h is not None else "" for h in header_row]
    data: list[tuple[int, list[Any]]] = []
    for number, raw in enumerate(rows, start=2):
        values: list[Any] = list(raw)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        data.append((number, values))
        if len(data) > MAX_ROWS:
            raise ImportFailed([RowError(number, "", f"数据行超过 {MAX_ROWS} 行，请拆分后导入。")])
    wb.close()
    return headers, data


class Row:
    """Access to a data row by header label, collecting errors."""

    def __init__(self, number: int, values: list[Any], index: dict[str, int], errors: list[RowError]) -> None:
        self.number, self.values, self.index, self.errors = number, values, index, errors

    def error(self, column: str, message: str) -> None:
        col = self.index.get(column)
        letter = get_column_letter(col + 1) if col is not None else ""
        self.errors.append(RowError(self.number, column, message, letter))

    def raw(self, column: str) -> Any:
        col = self.index.get(column)
        if col is None or col >= len(self.values):
            return None
        value = self.values[col]
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def flag(self, column: str, *, default: bool) -> bool:
        """是/否 (blank: `default`)."""
        text = self.text(column)
        if not text:
            return default
        if text in YES:
            return True
        if text not in NO:
            self.error(column, f"「{text}」无效，请填“是”或“否”。")
        return False

    def text(self, column: str, *, required: bool = False, max_length: int = 0) -> str:
        value = self.raw(column)
        if value is None:
            if required:
                self.error(column, f"缺少{column}。")
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        if max_length and len(text) > max_length:
            self.error(column, f"{column}不能超过 {max_length} 个字。")
        return text

    def decimal(
        self,
        column: str,
        *,
        required: bool = False,
        minimum: Decimal | None = Decimal("0"),
        maximum: Decimal | None = None,
    ) -> Decimal | None:
        value = self.raw(column)
        if value is None:
            if required:
                self.error(column, f"缺少{column}。")
            return None
        try:
            number = Decimal(str(value).replace("分", "").strip())
        except (InvalidOperation, ValueError):
            self.error(column, f"{column}「{value}」不是数字。")
            return None
        if not number.is_finite():
            self.error(column, f"{column}「{value}」不是数字。")
            return None
        if isinstance(value, float):
            number = number.quantize(Decimal("0.01"))
        if number != number.quantize(Decimal("0.01")):
            self.error(column, f"{column}最多保留两位小数。")
            return None
        if minimum is not None and number < minimum:
            self.error(column, f"{column}不能小于 {minimum}。")
            return None
        if maximum is not None and number > maximum:
            self.error(column, f"{column}不能大于 {maximum}。")
            return None
        return number


def header_index(headers: list[str], required: Iterable[str]) -> tuple[dict[str, int], list[RowError]]:
    index: dict[str, int] = {}
    for col, label in enumerate(headers):
        if label and label not in index:
            index[label] = col
    missing = [h for h in required if h not in index]
    errors = [RowError(1, h, "表头缺少该列。") for h in missing]
    return index, errors


def _split(text: str) -> list[str]:
    return [part for part in SEPARATORS.split(text) if part]


def _match_orgs(row: Row, column: str, text: str, orgs: dict[str, Any]) -> list[Any]:
    found = []
    for name in _split(text):
        org = orgs.get(name)
        if org is None:
            row.error(column, f"找不到单位「{name}」（可填写机构代码、全称或简称）。")
        elif org not in found:
            found.append(org)
    return found


def org_lookup(orgs: Iterable[Any]) -> dict[str, Any]:
    lookup: dict[str, Any] = {}
    for org in orgs:
        for key in (org.code, org.name, org.short_name):
            if key:
                lookup.setdefault(key, org)
    return lookup


def parse(content: bytes, *, assessors: Iterable[Any], targets: Iterable[Any]) -> list[dict[str, Any]]:
    """The framework structure from an xlsx; raises ImportFailed with every problem."""
    headers, data = read_rows(content)
    index, errors = header_index(headers, REQUIRED_HEADERS)
    for alias, label in HEADER_ALIASES.items():
        if alias in index and label not in index:
            index[label] = index[alias]
    if errors:
        raise ImportFailed(errors)
    if not data:
        raise ImportFailed([RowError(2, "", "文件中没有数据行。")])
    reader = _StructureReader(assessor_by=org_lookup(assessors), target_by=org_lookup(targets))
    for number, values in data:
        reader.read(Row(number, values, index, errors))
    if errors:
        raise ImportFailed(errors)
    return list(reader.sections.values())


class _StructureReader:
    """板块 → 指标 → 细则 built one row at a time (a row per 细则, the 板块 and
    指标 columns repeated), reporting rows that disagree with earlier ones."""

    def __init__(self, *, assessor_by: dict[str, Any], target_by: dict[str, Any]) -> None:
        self.assessor_by, self.target_by = assessor_by, target_by
        self.sections: dict[str, dict[str, Any]] = {}
        self.indicators: dict[str, dict[str, Any]] = {}
        self.indicator_section: dict[str, str] = {}

    def read(self, row: Row) -> None:
        s_code = row.text("板块编号", required=True, max_length=20)
        s_name = row.text("板块名称", required=True, max_length=100)
        i_code = row.text("指标编号", required=True, max_length=20)
        i_name = row.text("指标名称", required=True, max_length=200)
        fields = self._indicator_fields(row, i_name)
        section = self._section(row, s_code, s_name) if s_code else None
        if i_code and section is not None:
            indicator = self._indicator(row, section, s_code, i_code, fields)
            self._rule(row, indicator, i_code)

    def _indicator_fields(self, row: Row, name: str) -> dict[str, Any]:
        max_score = row.decimal("分值", required=True, maximum=Decimal("99999"))
        method_text = row.text("评分方式")
        method = METHOD_BY_LABEL.get(method_text or "扣分制")
        if method is None:
            row.error("评分方式", f"评分方式「{method_text}」无效，可填：扣分制、加分、等级制、一票否决。")
        bonus_cap = row.decimal("加分上限")
        if method == Method.BONUS and bonus_cap is None and "加分上限" in row.index:
            row.error("加分上限", "加分指标须填写加分上限。")
        assessor_orgs = _match_orgs(row, "考评单位", row.text("考评单位"), self.assessor_by)
        applies = _match_orgs(row, "适用单位", row.text("适用单位"), self.target_by)
        return {
            "name": name,
            "max_score": max_score,
            "method": method,
            "bonus_cap": bonus_cap,
            "assessors": [o.pk for o in assessor_orgs],
            "applies_to": [o.pk for o in applies],
        }

    def _section(self, row: Row, code: str, name: str) -> dict[str, Any]:
        section = self.sections.get(code)
        if section is None:
            kind_text = row.text("板块类型")
            kind = SECTION_KIND_BY_LABEL.get(kind_text or "常规板块")
            if kind is None:
                row.error("板块类型", f"板块类型「{kind_text}」无效，可填：常规板块、附加项、满意度测评。")
            section = self.sections[code] = {
                "code": code,
                "name": name,
                "points": row.decimal("板块分值"),
                "kind": kind or SectionKind.STANDARD,
                "in_total": row.flag("计入总分", default=True),
                "survey_scale": row.decimal("测评满分"),
                "groups": [],
                "indicators": [],
            }
        elif name and section["name"] != name:
            row.error("板块名称", f"板块 {code} 的名称与前面的行不一致（「{section['name']}」）。")
        return section

    def _group(self, row: Row, section: dict[str, Any]) -> int | None:
        """The position of the row's 二级指标 in its section (added on first sight)."""
        name = row.text("二级指标", max_length=200)
        if not name:
            return None
        code = row.text("二级指标编号", max_length=20)
        names = [g["name"] for g in section["groups"]]
        if name in names:
            group = section["groups"][names.index(name)]
            if code and group["code"] and code != group["code"]:
                row.error(
                    "二级指标编号", f"二级指标「{name}」的编号与前面的行不一致（「{group['code']}」）。"
                )
            group["code"] = group["code"] or code
            return names.index(name)
        section["groups"].append({"code": code, "name": name, "points": row.decimal("二级指标分值")})
        return len(names)

    def _indicator(
        self, row: Row, section: dict[str, Any], s_code: str, code: str, read: dict[str, Any]
    ) -> dict[str, Any]:
        fields = {
            **{k: read[k] for k in ("name", "max_score", "method", "bonus_cap")},
            "description": row.text("考评内容"),
            "evidence_required": row.text("佐证材料要求"),
            "assessors": read["assessors"],
            "applies_to": read["applies_to"],
            "group": self._group(row, section),
            "overflow": row.flag("负面清单", default=read["method"] == Method.VETO),
            "evidence_mandatory": row.flag("佐证必传", default=False),
        }
        indicator = self.indicators.get(code)
        if indicator is None:
            indicator = self.indicators[code] = {"code": code, "rules": [], **fields}
            self.indicator_section[code] = s_code
            section["indicators"].append(indicator)
            return indicator
        if self.indicator_section[code] != s_code:
            row.error("指标编号", f"指标 {code} 已出现在板块 {self.indicator_section[code]} 中。")
        for key, label in (("name", "指标名称"), ("max_score", "分值"), ("method", "评分方式")):
            if fields[key] is not None and fields[key] != indicator[key]:
                row.error(label, f"指标 {code} 的{label}与前面的行不一致。")
        return indicator

    def _rule(self, row: Row, indicator: dict[str, Any], i_code: str) -> None:
        code, text = row.text("细则编号", max_length=30), row.text("细则内容")
        if not (code or text):
            return
        if not code:
            row.error("细则编号", "填写了细则内容但缺少细则编号。")
        if not text:
            row.error("细则内容", "填写了细则编号但缺少细则内容。")
        kind_text = row.text("细则类型")
        kind = KIND_BY_LABEL.get(kind_text or "扣分")
        if kind is None:
            row.error(
                "细则类型", f"细则类型「{kind_text}」无效，可填：扣分、加分、等级、否决、酌情扣分、全额。"
            )
        points = row.decimal(
            "每次分值", required=kind not in (RuleKind.VETO, RuleKind.DISCRETIONARY, RuleKind.FULL, None)
        )
        scope_text = row.text("适用范围")
        scope = SCOPE_BY_LABEL.get(scope_text or "本指标")
        if scope is None:
            row.error("适用范围", f"适用范围「{scope_text}」无效，可填：本指标、本组各项。")
        if any(r["code"] == code for r in indicator["rules"]) and code:
            row.error("细则编号", f"指标 {i_code} 的细则编号 {code} 重复。")
        indicator["rules"].append(
            {
                "code": code,
                "text": text,
                "kind": kind,
                "points": points or Decimal("0"),
                "max_points": row.decimal("累计上限"),
                "min_points": row.decimal("酌情扣分下限"),
                "scope": scope or RuleScope.INDICATOR,
                "veto_result": row.text("否决结果表述", max_length=50),
            }
        )


def export_rows(structure: Sequence[dict[str, Any]]) -> list[list[Any]]:
    method_label = dict(Method.choices)
    kind_label = dict(RuleKind.choices)
    kind_of_section = dict(SectionKind.choices)
    scope_label = dict(RuleScope.choices)
    rows = []
    for section in structure:
        groups = section.get("groups") or []
        section_cells = [
            section.get("points"),
            kind_of_section.get(section.get("kind") or SectionKind.STANDARD),
            "是" if section.get("in_total", True) else "否",
            section.get("survey_scale"),
        ]
        for ind in section["indicators"]:
            group = groups[ind["group"]] if ind.get("group") is not None else None
            tail = [
                *section_cells,
                None if group is None else group["name"],
                None if group is None else group.get("points"),
                "是" if ind.get("overflow") else "否",
                "是" if ind.get("evidence_mandatory") else "否",
            ]
            group_code = (group.get("code") or None) if group is not None else None
            base = [
                section["code"],
                section["name"],
                ind["code"],
                ind["name"],
                ind["max_score"],
                method_label.get(ind["method"], ind["method"]),
                ind["bonus_cap"],
                ind["description"],
                ind["evidence_required"],
                "、".join(name for _, _, name in ind["assessors"]),
                "、".join(name for _, _, name in ind["applies_to"]),
            ]
            if not ind["rules"]:
                rows.append([*base, None, None, None, None, None, *tail, None, None, None, group_code])
            for rule in ind["rules"]:
                rows.append(
                    [
                        *base,
                        rule["code"],
                        rule["text"],
                        kind_label.get(rule["kind"], rule["kind"]),
                        rule["points"],
                        rule["max_points"],
                        *tail,
                        rule.get("min_points"),
                        scope_label.get(rule.get("scope") or RuleScope.INDICATOR),
                        rule.get("veto_result") or None,
                        group_code,
                    ]
                )
    return rows


def export_workbook(structure: Sequence[dict[str, Any]], *, title: str = "考评办法及标准") -> bytes:
    return table_workbook([(title, HEADERS, export_rows(structure))])
