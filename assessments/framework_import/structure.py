"""From a grid of cells to 板块 → 二级指标 → 指标 → 细则, with findings.

The header row is found by its words (一级指标, 二级指标, 三级指标, 考评内容,
评分标准, 分值, 责任单位 …) among the first rows; rows above it give the title.
Sections come from a 一级指标 column (merged or left blank below its first
row: carried down) or from rows spanning the table ("一、党的领导（20分）");
groups from a 二级指标 column or spanning rows "（一）…"; without either,
each section has one group with no name. Points come from a 分值 column (the
column belongs to the nearest level column on its left), from "（20分）" in a
name, or from the rule text ("全部合格的，记4分"). A 合计 row gives the total.
A rule cell merged over several indicators, or a rule beginning "以上/上述",
is a group rule: listed once, on the first indicator it covers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from assessments.framework_import.findings import check
from assessments.framework_import.model import (
    Finding,
    ParsedGroup,
    ParsedIndicator,
    ParsedRule,
    ParsedSection,
    ParsedTable,
    TableError,
    TableKind,
)
from assessments.framework_import.phrases import fold, parse_rules
from assessments.framework_import.tables import MAX_ROWS, Cell, Grid, read_file

HEADER_SCAN_ROWS = 15
# role -> accepted header words (after removing spaces and a trailing "（分）")
ROLES: dict[str, tuple[str, ...]] = {
    "code": ("序号", "编号", "编码", "指标编号", "代码", "指标代码"),
    "level1": (
        "一级指标", "一级", "板块", "考评板块", "考核板块", "考评项目", "考核项目", "项目",
        "类别", "考核类别", "考评类别", "考核事项", "考评事项", "考核项目及分值", "考评项目及分值",
    ),
    "level2": ("二级指标", "二级"),
    "name": (
        "三级指标", "三级", "指标", "指标名称", "考评指标", "考核指标", "具体指标", "评价指标",
        "考核要点", "考评要点", "考评内容", "考核内容", "工作内容", "评价内容", "工作任务", "任务内容",
        "指标内容", "考核任务",
    ),
    "rules": (
        "评分标准", "评分细则", "考评标准", "考核标准", "评分办法", "评分方法", "计分方法", "计分办法",
        "扣分标准", "评分说明", "考核方法", "考评方法", "考核细则", "考评细则", "评分规则", "评分依据",
        "考核评分标准", "考评评分标准",
    ),
    "points": ("分值", "分数", "标准分", "满分", "标准分值", "权重", "分值权重", "权重分", "分"),
    "unit": (
        "责任单位", "牵头单位", "考评单位", "考核单位", "责任部门", "评分单位", "考评部门", "牵头部门",
        "责任主体", "考核部门", "评分部门",
    ),
    "evidence": ("佐证材料", "佐证材料要求", "备查材料", "佐证资料", "佐证资料要求", "考核依据"),
}  # fmt: skip
_NAME_RANK = {
    word: (0 if word.startswith("三级") else 1 if "指标" in word else 2 if "要点" in word else 3)
    for word in ROLES["name"]
}
TOTAL_WORDS = ("合计", "总计", "总分", "总分值", "合计分值")
NOTE_PREFIXES = ("说明", "注:", "注：", "备注", "填表说明")
_SECTION_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+部分)\s*")
_GROUP_NUMBER = re.compile(r"^\s*[(（]\s*[一二三四五六七八九十]+\s*[)）]\s*[、.．]?\s*")
_ITEM_NUMBER = re.compile(
    r"^\s*(?:(\d{1,3}(?:\s*[.．]\s*\d{1,3})*)\s*(?:[.．、](?!\d)|\s)|(\d{1,3}(?:[.．]\d{1,3})+)(?=[^\d.．])"
    r"|[(（]\s*(\d{1,3})\s*[)）]\s*[、.．]?|([①-⑳]))\s*"
)
_POINTS_IN_NAME = re.compile(r"\s*[(（]\s*(?:分值\s*[:：]?\s*)?(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
_TOTAL_IN_TEXT = re.compile(r"(?:总分|满分|合计|共计?|总计)\s*[:：为]?\s*(\d+(?:\.\d+)?)\s*分")
_EMPTY_POINTS = {"", "/", "-", "—", "——", "－", "无", "\\"}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def parse_file(content: bytes, filename: str = "") -> ParsedTable:
    """The table of an .xlsx or .docx as the importer understands it. Raises TableError."""
    grids = [g for g in read_file(content, filename) if any(c.text for row in g.rows for c in row)]
    if not grids:
        raise TableError("文件中没有表格（或表格是空的）。")
    grids, joined = join_continued(grids)
    readable = [grid for grid in grids if find_header(grid) is not None]
    first_error: TableError | None = None
    for n, grid in enumerate(readable):
        try:
            table = parse_grid(grid)
        except TableError as exc:  # a header with nothing under it: try the next table
            first_error = first_error or exc
            continue
        table.findings += [f for f in joined if f.where.split("、")[0] in _parts_of(grid)]
        rest = readable[n + 1 :]
        if rest:
            others = "、".join(g.label for g in rest)
            table.findings.append(
                Finding(
                    "other_tables",
                    others,
                    f"文件中还有 {len(rest)} 个表格（{others}）也像考评表，只导入了第一个（{grid.label}）；"
                    "如是另一类单位的考评表，请分别导入。",
                )
            )
        return table
    if first_error is not None:
        raise first_error
    raise TableError(
        f"未找到表头：{grids[0].label} 的前 {HEADER_SCAN_ROWS} 行中没有一行同时含有指标名称列"
        "（一级指标/二级指标/三级指标/考评内容/考核要点）和「分值」或「评分标准」列。"
    )


_TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计|总\s*分)")


def _parts_of(grid: Grid) -> list[str]:
    """The Word tables a (joined) grid was read from: "表1+表2" → ["表1", "表2"]."""
    return grid.label.split("+")


def _continues(first: Grid, second: Grid, own: Header | None) -> bool:
    """Whether the Word table `second` (with its own header `own`, or none) continues
    `first` (one table split by a page or section break): nothing but empty
    paragraphs between them, as many columns, no header of its own or the same
    header; `first` has a header and does not end with its 合计 row."""
    if not (first.label.startswith("表") and second.label.startswith("表")) or second.before:
        return False
    width = len(first.rows[0]) if first.rows else 0
    if not second.rows or len(second.rows[0]) != width:
        return False
    header = find_header(first)
    if header is None or (own is not None and own.columns != header.columns):
        return False
    last = next((row for row in reversed(first.rows) if any(c.text for c in row)), [])
    return not any(_TOTAL_ROW.match(fold(c.text)) for c in last if c.text)


def join_continued(grids: list[Grid]) -> tuple[list[Grid], list[Finding]]:
    """Word tables split into several (by a page or section break, the header repeated
    or not) joined into one grid; each join is said as a finding. Every cell keeps its
    own reference ("表2 第3行第1列"); the rows of a later part follow the earlier ones."""
    joined: list[Grid] = []
    findings: list[Finding] = []
    for grid in grids:
        previous = joined[-1] if joined else None
        own = find_header(grid)
        skip = own.row + 1 if own is not None else 0
        if (
            previous is None
            or len(previous.rows) + len(grid.rows) - skip
            > MAX_ROWS  # one table's bound holds for the joined one
            or not _continues(previous, grid, own)
        ):
            joined.append(grid)
            continue
        offset = len(previous.rows) - skip
        moved: dict[int, Cell] = {}
        for row in grid.rows[skip:]:
            previous.rows.append(
                [
                    moved.setdefault(
                        id(cell),
                        Cell(cell.text, cell.ref, (cell.origin[0] + offset, cell.origin[1]), cell.across),
                    )
                    for cell in row
                ]
            )
        parts = _parts_of(previous)
        findings.append(
            Finding(
                "continued_table",
                f"{grid.label}、{parts[0]}",
                f"{grid.label} 紧接在 {parts[-1]} 之后、列数相同且"
                + ("表头相同" if own is not None else "没有表头")
                + f"，已作为 {parts[0]} 的续表一并读取；如是另一张表，请在两表之间加上标题后再导入。",
            )
        )
        previous.label = "+".join([*parts, grid.label])
    return joined, findings


def _norm_header(text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"\([^)]*\)$", "", text) or text


def _role_of(header: str) -> str | None:
    for role, words in ROLES.items():
        if header in words:
            return role
    for role, hint in (("rules", "评分"), ("points", "分值"), ("unit", "责任"), ("evidence", "佐证")):
        if hint in header:
            return role
    return None


@dataclass
class Header:
    row: int
    columns: dict[str, int]  # role -> column
    points: dict[str, int] = field(default_factory=dict)  # level role -> its 分值 column
    description: list[int] = field(default_factory=list)  # other 内容 columns


def find_header(grid: Grid) -> Header | None:
    for index, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        header = _header_of(index, row)
        if header is None:
            continue
        # a header on two rows ("考评指标" merged over 一级/二级/三级 below it): the lower one is complete
        below = _header_of(index + 1, grid.rows[index + 1]) if index + 1 < len(grid.rows) else None
        if below is not None and _width(below) >= _width(header):
            return below
        return header
    return None


def _width(header: Header) -> int:
    return len(header.columns) + len(header.points)


def _header_of(index: int, row: list[Cell]) -> Header | None:
    columns: dict[str, int] = {}
    names: list[tuple[int, int]] = []  # (rank, col)
    points_cols: list[int] = []
    for col, cell in enumerate(row):
        if cell.origin[1] != col:
            continue  # the rest of a header merged across
        word = _norm_header(cell.text)
        role = _role_of(word) if word else None
        if role == "name":
            names.append((_NAME_RANK.get(word, 3), col))
        elif role == "points":
            points_cols.append(col)
        elif role is not None and role not in columns:
            columns[role] = col
    names.sort()
    if names:
        columns["name"] = names[0][1]
    _promote_levels(columns)
    if "name" not in columns or not ({"points", "rules", "level1"} & set(columns) or points_cols):
        return None
    header = Header(row=index, columns=columns, description=[c for _, c in names[1:]])
    _assign_points(header, points_cols)
    return header


def _promote_levels(columns: dict[str, int]) -> None:
    """Without a 三级 column the deepest level names the indicators; without a
    一级 column the 二级 column holds the sections."""
    if "name" not in columns and "level2" in columns:
        columns["name"] = columns.pop("level2")
    elif "name" not in columns and "level1" in columns:
        columns["name"] = columns.pop("level1")
    if "level1" not in columns and "level2" in columns:
        columns["level1"] = columns.pop("level2")


def _assign_points(header: Header, points_cols: list[int]) -> None:
    """Each 分值 column belongs to the nearest level column on its left."""
    levels = sorted(
        (col, role) for role, col in header.columns.items() if role in ("level1", "level2", "name")
    )
    for col in points_cols:
        left = [role for level_col, role in levels if level_col < col]
        role = left[-1] if left else "name"
        header.points.setdefault(role, col)
    if "name" not in header.points and points_cols and len(header.points) == 1:
        # one 分值 column right of every level column but the indicator's: the indicator's
        only = next(iter(header.points))
        if only != "name" and header.columns["name"] < header.points[only]:
            header.points = {"name": header.points[only]}


# ---------------------------------------------------------------- numbers and names


def parse_points(cell: Cell | None, grid: Grid) -> Decimal | None:
    if cell is None:
        return None
    text = fold(cell.text).replace(" ", "").removesuffix("分").removesuffix("%")
    if text in _EMPTY_POINTS:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise TableError(f"{where(grid, cell)}：分值「{cell.text[:30]}」不是数字。") from None
    if not value.is_finite() or value < 0 or value > 10000:
        raise TableError(f"{where(grid, cell)}：分值「{cell.text[:30]}」不是有效的分值。")
    return value


def where(grid: Grid, cell: Cell) -> str:
    """The source cell in words: "Sheet1!E7（第7行，E列）" or "表1 第7行第3列"."""
    row, col = cell.origin
    if grid.label.startswith("表"):
        return cell.ref
    letters = cell.ref.rsplit("!", 1)[-1].rstrip("0123456789")
    return f"{cell.ref}（第{row + 1}行，{letters}列）"


def split_name(text: str) -> tuple[str, Decimal | None]:
    """ "党的领导（20分）" → ("党的领导", 20)."""
    text = " ".join(text.split())
    match = _POINTS_IN_NAME.search(fold(text))
    if match:
        return text[: match.start()].strip(), Decimal(match.group(1))
    return text, None


def item_code(text: str) -> tuple[str, str | None]:
    """ "1.1.1 制度建设" → ("制度建设", "1.1.1"); "(2)…" → ("…", "2")."""
    folded = fold(text)
    match = _ITEM_NUMBER.match(folded)
    if not match or match.end() >= len(text):
        return text.strip(), None
    number = match.group(1) or match.group(2) or match.group(3)
    if match.group(4):
        number = str(_CIRCLED.index(match.group(4)) + 1)
    return text[match.end() :].strip(), re.sub(r"\s+", "", number or "") or None


def strip_section_number(text: str) -> str:
    return _GROUP_NUMBER.sub("", _SECTION_NUMBER.sub("", text)).strip()


def section_kind(name: str) -> tuple[str, bool]:
    """(kind, 负面清单?) from a section's name."""
    if "负面清单" in name:
        return "standard", True
    if "附加" in name or "加分项" in name or "加扣分" in name or "加、扣分" in name:
        return "bonus", False
    if "满意度" in name:
        return "survey", False
    return "standard", False


# ---------------------------------------------------------------- the walk


class _Builder:
    def __init__(self, grid: Grid, header: Header) -> None:
        self.grid = grid
        self.header = header
        self.table = ParsedTable()
        self.section: ParsedSection | None = None
        self.group: ParsedGroup | None = None
        self.indicator: ParsedIndicator | None = None
        self.name_origin: tuple[int, int] | None = None
        self.points_origin: dict[int, tuple[int, int]] = {}  # id(indicator) -> its 分值 cell
        self.rule_cells: dict[tuple[int, int], tuple[ParsedIndicator, list[ParsedRule]]] = {}
        self.floors: set[int] = set()
        self.orphans: list[Cell] = []
        self.implicit: list[ParsedSection] = []  # made for indicators above any section
        self.unparsed: list[tuple[str, str]] = []

    def cell(self, row: list[Cell], role: str) -> Cell | None:
        col = self.header.columns.get(role)
        if col is None or col >= len(row) or not row[col].text:
            return None
        return row[col]

    def points_cell(self, row: list[Cell], role: str) -> Cell | None:
        col = self.header.points.get(role)
        if col is None or col >= len(row) or not row[col].text:
            return None
        return row[col]

    # -- rows

    def walk(self) -> None:
        header_texts = [c.text for c in self.grid.rows[self.header.row]]
        for index in range(self.header.row + 1, len(self.grid.rows)):
            row = self.grid.rows[index]
            texts = [c.text for c in row]
            if not any(texts) or texts == header_texts:
                continue
            self.row(index, row)

    def row(self, index: int, row: list[Cell]) -> None:
        first = next(c for c in row if c.text)
        if self.is_total(row):
            self.total_row(row)
        elif first.text.startswith(NOTE_PREFIXES) or self.is_subtotal(row):
            return
        elif self.is_heading(row):
            self.heading(first)
        else:
            self.data_row(index, row)

    def is_total(self, row: list[Cell]) -> bool:
        lead = [self.cell(row, role) for role in ("code", "level1", "level2", "name")]
        return any(c is not None and _norm_header(c.text).startswith(TOTAL_WORDS) for c in lead)

    def is_subtotal(self, row: list[Cell]) -> bool:
        """ "小计" rows repeat a section's points; the section's own cell is what counts."""
        lead = [self.cell(row, role) for role in ("code", "level1", "level2", "name")]
        return any(c is not None and _norm_header(c.text).startswith("小计") for c in lead)

    def total_row(self, row: list[Cell]) -> None:
        cell = self.points_cell(row, "name") or next(
            (c for c in (self.points_cell(row, r) for r in ("level1", "level2")) if c is not None), None
        )
        if cell is not None:
            self.table.total, self.table.total_source = parse_points(cell, self.grid), cell.ref
            return
        for c in row:
            match = _TOTAL_IN_TEXT.search(fold(c.text)) or re.fullmatch(r"\d+(?:\.\d+)?", fold(c.text))
            if match:
                self.table.total = Decimal(match.group(1) if match.groups() else match.group(0))
                self.table.total_source = c.ref
                return

    def is_heading(self, row: list[Cell]) -> bool:
        """A row spanning the table ("一、党的领导（20分）") or holding only a numbered heading."""
        filled = [c for c in row if c.text]
        origins = {c.origin for c in filled}
        if len(origins) == 1 and filled[0].across and len(filled) > 1:
            return True
        text = filled[0].text
        lone = len(origins) == 1 and filled[0].origin[1] == 0
        return (
            lone
            and "level1" not in self.header.columns
            and bool(_SECTION_NUMBER.match(text) or _GROUP_NUMBER.match(text))
        )

    def heading(self, cell: Cell) -> None:
        if _GROUP_NUMBER.match(cell.text) and self.section is not None:
            self.new_group(cell, None)
        else:
            self.new_section(cell, None)

    def data_row(self, index: int, row: list[Cell]) -> None:
        level1 = self.cell(row, "level1")
        if level1 is not None and (self.section is None or level1.origin != self.section_origin):
            if self.section is None or strip_section_number(split_name(level1.text)[0]) != self.section.name:
                self.new_section(level1, self.points_cell(row, "level1"))
            self.section_origin = level1.origin
        level2 = self.cell(row, "level2")
        if level2 is not None and (self.group is None or level2.origin != self.group_origin):
            if self.group is None or self.group.name != strip_section_number(split_name(level2.text)[0]):
                self.new_group(level2, self.points_cell(row, "level2"))
            self.group_origin = level2.origin
        name = self.cell(row, "name")
        if name is not None and name.origin != self.name_origin:
            self.new_indicator(row, name)
        rules = self.cell(row, "rules")
        if rules is not None:
            self.rules(rules)
        elif name is not None and self.indicator is not None:
            self.description(row)

    # -- levels

    section_origin: tuple[int, int] | None = None
    group_origin: tuple[int, int] | None = None

    def new_section(self, cell: Cell, points_cell: Cell | None) -> None:
        name, points = split_name(cell.text)
        name = strip_section_number(name) or name
        kind, negative = section_kind(name)
        section = ParsedSection(name=name, kind=kind, negative_list=negative, source=cell.ref)
        self.set_points(section, points, cell, points_cell)
        self.table.sections.append(section)
        self.section, self.group, self.indicator, self.name_origin = section, None, None, None
        self.section_origin = self.group_origin = None

    def new_group(self, cell: Cell, points_cell: Cell | None) -> None:
        if self.section is None:
            self.new_section(cell, points_cell)
            return
        name, points = split_name(cell.text)
        group = ParsedGroup(name=strip_section_number(name) or name, source=cell.ref)
        self.set_points(group, points, cell, points_cell)
        self.section.groups.append(group)
        self.group, self.indicator, self.name_origin, self.group_origin = group, None, None, None

    def set_points(
        self,
        level: ParsedSection | ParsedGroup | ParsedIndicator,
        in_name: Decimal | None,
        cell: Cell,
        points_cell: Cell | None,
    ) -> None:
        column = parse_points(points_cell, self.grid)
        if column is not None and points_cell is not None:
            level.points, level.points_source = column, points_cell.ref
        elif in_name is not None:
            level.points, level.points_source = in_name, cell.ref

    def current_group(self, cell: Cell) -> ParsedGroup:
        if self.section is None:
            title = self.table.title or self.grid.label
            self.section = ParsedSection(name=title, source=cell.ref)
            self.implicit.append(self.section)
            self.table.sections.append(self.section)
        if self.group is None:
            self.group = ParsedGroup(name=None, source=cell.ref)
            self.section.groups.append(self.group)
        return self.group

    def new_indicator(self, row: list[Cell], name_cell: Cell) -> None:
        group = self.current_group(name_cell)
        text, points = split_name(name_cell.text)
        text, numbered = item_code(text)
        code_cell = self.cell(row, "code")
        code = item_code(code_cell.text)[1] or code_cell.text.strip() if code_cell is not None else numbered
        indicator = ParsedIndicator(name=text, code=code or None, source=name_cell.ref)
        assert self.section is not None
        indicator.overflow = self.section.negative_list
        points_cell = self.points_cell(row, "name")
        self.set_points(indicator, points, name_cell, points_cell)
        if points_cell is not None and points_cell.text:
            self.share_points(group, indicator, points_cell)
        unit = self.cell(row, "unit")
        indicator.units = unit.text if unit is not None else ""
        group.indicators.append(indicator)
        self.indicator, self.name_origin = indicator, name_cell.origin
        self.description(row)

    def share_points(self, group: ParsedGroup, indicator: ParsedIndicator, cell: Cell) -> None:
        """A 分值 cell merged over several indicators is their group's subtotal."""
        self.points_origin[id(indicator)] = cell.origin
        previous = group.indicators[-1] if group.indicators else None
        if previous is None or self.points_origin.get(id(previous)) != cell.origin:
            return
        if group.points is None:
            group.points, group.points_source = indicator.points, cell.ref
        previous.points = indicator.points = None
        previous.points_source = indicator.points_source = ""

    def description(self, row: list[Cell]) -> None:
        assert self.indicator is not None
        for col in self.header.description:
            text = row[col].text if col < len(row) else ""
            if text and text not in self.indicator.description:
                self.indicator.description = f"{self.indicator.description}\n{text}".strip()

    # -- rules

    def rules(self, cell: Cell) -> None:
        if cell.origin in self.rule_cells:
            first, parsed = self.rule_cells[cell.origin]
            if first is not self.indicator:
                for rule in parsed:  # one cell over several indicators: the group's rule
                    rule.scope = "group"
            return
        parsed_cell = parse_rules(cell.text, source=cell.ref)
        target = self.indicator
        if target is None:
            self.orphans.append(cell)
            return
        target.rules.extend(parsed_cell.rules)
        self.rule_cells[cell.origin] = (target, parsed_cell.rules)
        self.unparsed.extend((cell.ref, text) for text in parsed_cell.unparsed)
        if parsed_cell.floor:
            self.floors.add(id(target))
            target.overflow = False
        if not target.description and parsed_cell.description and "rules" in self.header.columns:
            target.description = "\n".join(parsed_cell.description)

    # -- after the walk

    def finish(self) -> None:
        for section in self.table.sections:
            for group in section.groups:
                _group_rules_first(group)
                for indicator in group.indicators:
                    _points_from_rules(indicator)
                for indicator in group.indicators:
                    _whole_points(group, indicator)


def _whole_points(group: ParsedGroup, indicator: ParsedIndicator) -> None:
    """ "得满分" gives, and "该项不得分" takes, the whole points: the indicator's, or for a
    rule stated for the group, the group's (when known)."""
    for rule in indicator.rules:
        whole = indicator.points
        if rule.scope == "group":
            whole = group.points if group.points is not None else _known_sum(group)
        if whole is None:
            continue
        if rule.whole:
            rule.points_each = rule.cap = whole
        elif rule.kind == TableKind.FULL and rule.points_each is None:
            rule.points_each = whole


def _known_sum(group: ParsedGroup) -> Decimal | None:
    known = [i.points for i in group.indicators if i.points is not None]
    return sum(known, Decimal(0)) if known else None


def _group_rules_first(group: ParsedGroup) -> None:
    """A rule stated for the group is listed once, on the group's first indicator."""
    if not group.indicators:
        return
    first = group.indicators[0]
    for indicator in group.indicators[1:]:
        moved = [r for r in indicator.rules if r.scope == "group"]
        if moved:
            indicator.rules = [r for r in indicator.rules if r.scope != "group"]
            first.rules.extend(moved)


def _points_from_rules(indicator: ParsedIndicator) -> None:
    """Points written only in the rule text ("全部合格的，记4分"): the most any full/grade rule gives."""
    if indicator.points is not None:
        return
    given = [
        (r.points_each, r.source)
        for r in indicator.rules
        if r.kind in (TableKind.FULL, TableKind.GRADE) and r.points_each
    ]
    if given:
        best = max(given, key=lambda g: g[0] or Decimal(0))
        indicator.points, indicator.points_source = best


def _title(grid: Grid, header: Header) -> tuple[str | None, Cell | None]:
    candidates: list[tuple[str, Cell | None]] = [(t, None) for t in grid.before]
    for row in grid.rows[: header.row]:
        texts = [c for c in row if c.text]
        if texts:
            candidates.append((texts[0].text, texts[0]))
    candidates = [(t, c) for t, c in candidates if not re.fullmatch(r"附件\s*\d*[:：]?", t.strip())]
    for text, cell in candidates:
        if any(word in text for word in ("考评", "考核", "办法", "细则", "标准", "评分", "指标")):
            return " ".join(text.split()), cell
    if candidates:
        return " ".join(candidates[0][0].split()), candidates[0][1]
    return None, None


def _splits(grid: Grid, header: Header, merged_col: int, own_col: int) -> bool:
    """True when `merged_col` runs merged over rows in which `own_col` has cells of its own."""
    for index in range(header.row + 1, len(grid.rows)):
        row = grid.rows[index]
        if max(merged_col, own_col) >= len(row):
            continue
        merged, own = row[merged_col], row[own_col]
        if merged.text and merged.origin[0] != index and own.text and own.origin[0] == index:
            return True
    return False


def refine_header(grid: Grid, header: Header) -> None:
    """Read the data rows to settle what the header words leave open: a name
    column merged over rows that each have their own 分值 is a level above the
    items (the 内容 column beside it names them), and a 分值 column next to a
    merged level column but with a value per row belongs to the items."""
    columns, points = header.columns, header.points
    name_points = points.get("name")
    if name_points is not None and header.description and _splits(grid, header, columns["name"], name_points):
        level = "level1" if "level1" not in columns else "level2" if "level2" not in columns else None
        if level is not None:
            columns[level] = columns["name"]
            columns["name"] = header.description.pop(0)
    for level in ("level2", "level1"):
        col = points.get(level)
        if (
            col is not None
            and "name" not in points
            and level in columns
            and _splits(grid, header, columns[level], col)
        ):
            points["name"] = points.pop(level)


def parse_grid(grid: Grid) -> ParsedTable:
    header = find_header(grid)
    if header is None:
        raise TableError(f"未找到表头：{grid.label} 的前 {HEADER_SCAN_ROWS} 行中没有可识别的表头行。")
    refine_header(grid, header)
    builder = _Builder(grid, header)
    title, title_cell = _title(grid, header)
    builder.table.title = title
    builder.walk()
    table = builder.table
    if not table.indicators:
        raise TableError(
            f"{grid.label} 第{header.row + 1}行的表头之下没有识别出任何指标"
            f"（指标名称应在第{header.columns['name'] + 1}列）。"
        )
    builder.finish()
    if table.total is None and title:
        match = _TOTAL_IN_TEXT.search(fold(title)) or re.search(
            r"[(（](\d+(?:\.\d+)?)\s*分[)）]", fold(title)
        )
        if match:
            table.total = Decimal(match.group(1))
            table.total_source = title_cell.ref if title_cell is not None else f"{grid.label} 标题"
    table.findings = check(table, orphans=[c.ref for c in builder.orphans], unparsed=builder.unparsed)
    table.findings += [
        Finding(
            "no_section",
            s.source,
            f"这些指标上方没有板块（一级指标），已归入板块「{s.name}」，请核对板块名称。",
        )
        for s in builder.implicit
    ]
    return table
