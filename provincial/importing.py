"""Reading the province's framework from xlsx, one row per indicator.

Columns (by header, in any order): 序号/编码, 板块, 指标, 分值, 评分标准,
佐证材料要求. Files as the province sends them are tolerated: title rows above
the header, blank rows, 板块 merged down (or left blank below its first row),
an indicator spread over several rows with its code merged (its 评分标准 lines
are joined), full-width digits and "4分" in 分值, and a 合计 row at the end.
Every problem is reported with its Excel row number and column; the caller
imports nothing unless the list of errors is empty. No Django import here.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils.exceptions import InvalidFileException

from documents.ooxml import BoundedWorkbook, FileRefused, open_workbook_bounded

MAX_ROWS = 5000
MAX_COLS = 100
MAX_CELLS = 200_000  # openpyxl builds an object per cell: keep a hostile sheet far below that
MAX_SCORE = Decimal("1000")

# field -> (label used in messages, accepted headers)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": ("编码", ("编码", "指标编码", "编号", "指标编号", "代码", "指标代码")),
    "seq": ("序号", ("序号",)),
    "section": ("板块", ("板块", "考评板块", "一级指标", "类别", "考评项目", "项目")),
    "name": ("指标", ("指标", "指标名称", "二级指标", "考评指标", "考评内容", "具体指标", "指标内容")),
    "max_score": ("分值", ("分值", "分数", "标准分", "满分", "标准分值")),
    "criteria": ("评分标准", ("评分标准", "评分细则", "考评标准", "评分方法", "考核标准", "评分办法")),
    "evidence": (
        "佐证材料要求",
        ("佐证材料要求", "佐证材料", "佐证要求", "佐证资料", "佐证资料要求", "备查材料"),
    ),
}
REQUIRED = ("section", "name", "max_score")
TOTAL_WORDS = {"合计", "总计", "总分", "合计分值", "总分值"}
HEADER_SCAN_ROWS = 20

TEMPLATE_HEADERS = ["编码", "板块", "指标", "分值", "评分标准", "佐证材料要求"]


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number; 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        where = f"第 {self.row} 行"
        return f"{where}「{self.column}」：{self.message}" if self.column else f"{where}：{self.message}"


@dataclass
class ParsedIndicator:
    row: int
    code: str
    section: str
    name: str
    max_score: Decimal
    criteria: str = ""
    evidence_requirements: str = ""


@dataclass
class ParsedFramework:
    indicators: list[ParsedIndicator] = field(default_factory=list)
    declared_total: Decimal | None = None
    errors: list[RowError] = field(default_factory=list)
    sheet: str = ""

    @property
    def total(self) -> Decimal:
        return sum((i.max_score for i in self.indicators), Decimal("0"))


def _norm_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[(（][^)）]*[)）]$", "", text)  # 分值（分） -> 分值


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    return "\n".join(line.strip() for line in text.strip().split("\n")).strip()


def parse_score(value: Any) -> Decimal:
    """分值 from a cell: numbers, "4", "４", "4分", "4.5 分". Raises ValueError with a Chinese message."""
    if isinstance(value, bool):
        raise ValueError("不是有效的数字")
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        text = unicodedata.normalize("NFKC", _text(value)).replace(" ", "")
        text = text.removesuffix("分")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"「{_text(value)}」不是有效的数字") from None
    if not number.is_finite():
        raise ValueError("不是有效的数字")
    if number < 0:
        raise ValueError("不能为负数")
    if number > MAX_SCORE:
        raise ValueError(f"不能超过 {MAX_SCORE}")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("最多保留两位小数")
    return number.quantize(Decimal("0.01"))


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping: dict[str, int] = {}
        for col, value in enumerate(row):
            header = _norm_header(value)
            if not header:
                continue
            for key, (_, aliases) in COLUMNS.items():
                if key not in mapping and header in aliases:
                    mapping[key] = col
                    break
        if len(mapping) >= 3 or ("name" in mapping and ("max_score" in mapping or "section" in mapping)):
            return index, mapping
    return None


def _grid(ws: Any, extent: BoundedWorkbook) -> tuple[list[list[Any]], dict[tuple[int, int], tuple[int, int]]]:
    """Cell values with every merged range filled from its top-left cell, and for
    each merged cell (0-based) the top-left (row, col) of its range. Read only
    as far as the checked extent: formatted empty cells may lie far beyond it."""
    rows = [
        list(r)
        for r in ws.iter_rows(
            values_only=True, max_row=max(1, min(extent.rows, MAX_ROWS + 50)), max_col=max(1, extent.cols)
        )
    ]
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in ws.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else None
        for r in range(top, min(merged.max_row, len(rows))):
            for c in range(left, merged.max_col):
                while len(rows[r]) <= c:
                    rows[r].append(None)
                rows[r][c] = value
                origin[(r, c)] = (top, left)
    return rows, origin


NOT_A_WORKBOOK = "文件不是有效的 Excel 工作簿（.xlsx）。如为 .xls 或 WPS 格式，请另存为 .xlsx 后再导入。"


def open_import_workbook(content: bytes, *, max_rows: int, max_cols: int, max_cells: int) -> tuple[Any, Any]:
    """The bounded workbook and its openpyxl view of an uploaded table, or FileRefused with
    the Chinese reason; the problem tracker's clue import uses it too."""
    try:
        book = open_workbook_bounded(content, max_rows=max_rows, max_cols=max_cols, max_cells=max_cells)
        return book, book.openpyxl()
    except FileRefused:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise FileRefused(NOT_A_WORKBOOK) from None


def parse_workbook(content: bytes) -> ParsedFramework:
    result = ParsedFramework()
    try:
        book, wb = open_import_workbook(
            content, max_rows=2 * MAX_ROWS, max_cols=MAX_COLS, max_cells=MAX_CELLS
        )
    except FileRefused as exc:
        result.errors.append(RowError(0, "", exc.message))
        return result
    for ws in wb.worksheets:
        rows, origin = _grid(ws, book)
        found = _find_header(rows)
        if found is None:
            continue
        result.sheet = ws.title
        _parse_rows(rows, origin, *found, result)
        return result
    result.errors.append(
        RowError(
            0,
            "",
            "未找到表头：表头行应包含「编码」（或「序号」）、「板块」、「指标」、「分值」、"
            "「评分标准」、「佐证材料要求」等列。请使用导入模板。",
        )
    )
    return result


def _parse_rows(
    rows: list[list[Any]],
    origin: dict[tuple[int, int], tuple[int, int]],
    header_index: int,
    cols: dict[str, int],
    result: ParsedFramework,
) -> None:
    result.errors.extend(_header_problems(cols, header_index + 1))
    if result.errors:
        return
    data_rows = rows[header_index + 1 :]
    if len(data_rows) > MAX_ROWS:
        result.errors.append(RowError(0, "", f"行数超过 {MAX_ROWS} 行，请检查文件。"))
        return
    reader = _RowReader(cols, origin, result)
    for offset, row in enumerate(data_rows):
        reader.read(header_index + 1 + offset, row)
    if not result.indicators and not result.errors:
        result.errors.append(RowError(0, "", "文件中没有任何指标行。"))


def _header_problems(cols: dict[str, int], header_row: int) -> list[RowError]:
    problems = [RowError(header_row, COLUMNS[key][0], "表头缺少该列") for key in REQUIRED if key not in cols]
    if "code" not in cols and "seq" not in cols:
        problems.append(RowError(header_row, "编码", "表头缺少「编码」或「序号」列"))
    return problems


class _RowReader:
    """Reads the rows under the header one by one: an indicator row starts an
    indicator; the lines of a merged or continued cell add to its 评分标准 and
    佐证材料要求; a 合计 row gives the declared total; a blank row is skipped."""

    def __init__(
        self, cols: dict[str, int], origin: dict[tuple[int, int], tuple[int, int]], result: ParsedFramework
    ) -> None:
        self.cols, self.origin, self.result = cols, origin, result
        code_col = cols.get("code", cols.get("seq"))
        assert code_col is not None
        self.code_col = code_col
        self.code_label = "编码" if "code" in cols else "序号"
        self.seen: dict[str, int] = {}
        self.section = ""
        self.current: ParsedIndicator | None = None
        self.last_origin: tuple[int, int] | None = None
        self.started = False

    def cell(self, row: list[Any], key: str) -> Any:
        col = self.cols.get(key)
        return row[col] if col is not None and col < len(row) else None

    def read(self, r0: int, row: list[Any]) -> None:
        excel_row = r0 + 1
        values = {key: _text(self.cell(row, key)) for key in COLUMNS}
        if not any(values.values()):
            return  # blank row
        if {values["code"], values["seq"], values["section"], values["name"]} & TOTAL_WORDS:
            self._total(row, values, excel_row)
            return
        code_origin = self.origin.get((r0, self.code_col))
        if self.started and self._continues(values, code_origin):
            self._add_lines(values)
            return
        self.started, self.last_origin = True, code_origin
        if values["section"]:
            self.section = values["section"]
        self._indicator(row, values, excel_row)

    def _total(self, row: list[Any], values: dict[str, str], excel_row: int) -> None:
        if values["max_score"]:
            try:
                self.result.declared_total = parse_score(self.cell(row, "max_score"))
            except ValueError as exc:
                self.result.errors.append(RowError(excel_row, "分值", f"合计行的分值{exc}"))
        self.current, self.started = None, False

    def _continues(self, values: dict[str, str], code_origin: tuple[int, int] | None) -> bool:
        """Whether the row is another line of the current indicator: its code cell is
        part of the same merged range, or it holds only text and no new 板块."""
        continues_merge = code_origin is not None and code_origin == self.last_origin
        new_section = bool(values["section"]) and values["section"] != self.section
        code = values["code"] or values["seq"]
        only_text = not code and not values["name"] and not values["max_score"] and not new_section
        return continues_merge or only_text

    def _add_lines(self, values: dict[str, str]) -> None:
        """Another line of the same indicator's 评分标准 / 佐证材料要求."""
        if self.current is None:
            return
        for key, attr in (("criteria", "criteria"), ("evidence", "evidence_requirements")):
            text = values[key]
            if text and text not in getattr(self.current, attr).split("\n"):
                setattr(self.current, attr, f"{getattr(self.current, attr)}\n{text}".strip())

    def _indicator(self, row: list[Any], values: dict[str, str], excel_row: int) -> None:
        code = values["code"] or values["seq"]
        errors = self._problems(code, values, excel_row)
        score = Decimal("0")
        if not values["max_score"]:
            errors.append(RowError(excel_row, "分值", "不能为空"))
        else:
            try:
                score = parse_score(self.cell(row, "max_score"))
            except ValueError as exc:
                errors.append(RowError(excel_row, "分值", str(exc)))
        if code and code not in self.seen:
            self.seen[code] = excel_row
        self.result.errors.extend(errors)
        if errors:
            self.current = None
            return
        self.current = ParsedIndicator(
            row=excel_row,
            code=code,
            section=self.section,
            name=values["name"],
            max_score=score,
            criteria=values["criteria"],
            evidence_requirements=values["evidence"],
        )
        self.result.indicators.append(self.current)

    def _problems(self, code: str, values: dict[str, str], excel_row: int) -> list[RowError]:
        """What is wrong with an indicator row's 编码, 板块 and 指标."""
        errors = []
        if not code:
            errors.append(RowError(excel_row, self.code_label, "不能为空"))
        elif len(code) > 32:
            errors.append(RowError(excel_row, self.code_label, "不能超过 32 个字符"))
        elif code in self.seen:
            errors.append(RowError(excel_row, self.code_label, f"「{code}」与第 {self.seen[code]} 行重复"))
        if not self.section:
            errors.append(RowError(excel_row, "板块", "不能为空"))
        elif len(self.section) > 100:
            errors.append(RowError(excel_row, "板块", "不能超过 100 个字符"))
        if not values["name"]:
            errors.append(RowError(excel_row, "指标", "不能为空"))
        elif len(values["name"]) > 500:
            errors.append(RowError(excel_row, "指标", "不能超过 500 个字符"))
        return errors
