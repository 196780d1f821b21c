"""The standard 项目支出绩效自评表 as xlsx: read (python-calamine) and write (openpyxl).

The layout finance departments use (财预〔2020〕10号 附件):

    项目支出绩效自评表 / （2023年度）
    项目名称 | …
    主管部门 | … | 实施单位 | …
    项目资金（万元） |  | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
                     | 年度资金总额 | … | … | … | 10 | 50.12% | …
                     | 其中：当年财政拨款 / 上年结转资金 / 其他资金
    年度总体目标 | 预期目标 | 实际完成情况
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
             | 产出指标 | 数量指标 | … rows …
    总分 | … | 100 | 97 |

The reader finds the blocks by their labels, not by fixed positions, so it takes
tables with extra or missing columns, merged cells (filled from their top-left
cell), blank rows, repeated header rows, full-width characters and units written
in the values ("≥１２人", "20分", "69.8万元"). It is all-or-nothing: every bad row
is reported with its row number and column letter, and nothing is returned.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from documents.ooxml import FileRefused, open_workbook_bounded
from documents.xlsx import write_cell
from performance.engine.inputs import InputError, Problem
from performance.engine.model import Evaluation, Indicator, Result
from performance.engine.values import QUALITATIVE, Value, normalize, parse_value, to_decimal

MAX_BYTES = 20 * 1024 * 1024
# A 自评表 has a few dozen rows; these bound what calamine may allocate per sheet.
MAX_ROWS = 5000
MAX_COLS = 200
MAX_CELLS = 1_000_000
NOT_APPLICABLE_WORDS = ("不适用", "不涉及", "/")
_WAN = Decimal(10000)
_CENT = Decimal("0.01")

# Header labels of the indicator block: field → the words that may name it.
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标",),
    "target": ("年度指标值", "指标值", "目标值"),
    "actual": ("实际完成值", "实际值", "完成值"),
    "weight": ("分值", "权重"),
    "declared_score": ("得分", "自评得分"),
    "deviation_reason": ("偏差原因", "改进措施", "原因分析"),
}
COLUMN_LABELS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "declared_score": "得分",
    "deviation_reason": "偏差原因分析及改进措施",
}
REQUIRED_COLUMNS = ("level1", "name", "target", "actual", "weight")


@dataclass
class TableMeta:
    """What the table holds besides the Evaluation (shown on import, kept on export)."""

    implementing_unit: str = ""
    amount_unit: str = "万元"


# ------------------------------------------------------------------- reading


def _read_grid(data: bytes) -> list[list[Any]]:
    if not data:
        raise InputError([], "文件是空的。")
    if len(data) > MAX_BYTES:
        raise InputError(
            [],
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），自评表不应超过 {MAX_BYTES // 1024 // 1024} MB。",
        )
    try:
        book = open_workbook_bounded(data, max_rows=MAX_ROWS, max_cols=MAX_COLS, max_cells=MAX_CELLS)
    except FileRefused as exc:
        raise InputError([], exc.message) from None
    try:
        workbook = book.calamine()
        sheets = [workbook.get_sheet_by_index(i) for i in range(len(workbook.sheet_names))]
        grids = []
        for sheet in sheets:
            grid = [list(row) for row in sheet.to_python(skip_empty_area=False)]
            _fill_merged(grid, getattr(sheet, "merged_cell_ranges", None) or [])
            grids.append(grid)
    except Exception as exc:  # calamine raises its own errors, zipfile ones and XML ones
        raise InputError(
            [], f"无法读取该 Excel 文件，文件可能已损坏或不是 xlsx 格式（{type(exc).__name__}）。"
        ) from None
    for grid in grids:  # the first sheet that has the indicator header
        if _find_row(grid, ("一级指标", "三级指标")) is not None:
            return grid
    return grids[0] if grids else []


def _fill_merged(grid: list[list[Any]], ranges: Sequence[Any]) -> None:
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] in ("", None):
                    row[c] = value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _label(value: Any) -> str:
    return normalize(_text(value))


def _find_row(grid: list[list[Any]], words: Sequence[str], start: int = 0) -> int | None:
    for r in range(start, len(grid)):
        labels = [_label(v) for v in grid[r]]
        if all(any(w in label for label in labels) for w in words):
            return r
    return None


def _value_right_of(row: list[Any], label_words: Sequence[str]) -> str:
    for c, value in enumerate(row):
        label = _label(value)
        if label and any(w == label or label.startswith(w) for w in label_words):
            for right in row[c + 1 :]:
                text = _text(right)
                if text and _label(text) != label:
                    return text
            return ""
    return ""


def _cell(row: list[Any], c: int | None) -> Any:
    if c is None or c >= len(row):
        return None
    value = row[c]
    return None if value == "" else value


def _column_map(header: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for c, value in enumerate(header):
        label = _label(value)
        if not label:
            continue
        for field, words in INDICATOR_COLUMNS.items():
            if field in columns:
                continue
            # "得分" must not catch "分值"; "指标值" must not catch "一级指标".
            if field == "declared_score" and "分值" in label:
                continue
            if field == "target" and "实际" in label:
                continue
            if any(w in label for w in words):
                columns[field] = c
                break
    return columns


class _TableReader:
    def __init__(self, grid: list[list[Any]]) -> None:
        self.grid = grid
        self.problems: list[Problem] = []

    def problem(self, r: int, c: int | None, field: str, message: str) -> None:
        self.problems.append(
            Problem(message, field, r + 1, get_column_letter(c + 1) if c is not None else None)
        )

    def number(
        self,
        r: int,
        c: int | None,
        field: str,
        *,
        required: bool,
        suffixes: tuple[str, ...] = ("分",),
        positive: bool = False,
    ) -> Decimal | None:
        raw = _cell(self.grid[r], c)
        if raw is None or _text(raw) == "":
            if required:
                self.problem(r, c, field, f"{field}未填写。")
            return None
        value = raw
        if isinstance(raw, str):
            text = normalize(raw)
            for suffix in suffixes:
                if text.endswith(suffix):
                    text = text[: -len(suffix)]
                    break
            value = text
        number = to_decimal(value)
        if number is None:
            self.problem(r, c, field, f"{field}应为数字，实际为“{_text(raw)}”。")
            return None
        if positive and number <= 0:
            self.problem(r, c, field, f"{field}应大于0，实际为“{_text(raw)}”。")
        elif number < 0:
            self.problem(r, c, field, f"{field}不能为负数，实际为“{_text(raw)}”。")
        return number

    def money(
        self, r: int, c: int | None, field: str, factor: Decimal, *, required: bool, positive: bool = False
    ) -> Decimal | None:
        raw = _cell(self.grid[r], c)
        if isinstance(raw, str):  # a unit written in the cell wins over the header's
            text = normalize(raw)
            if text.endswith("万元"):
                factor = _WAN
            elif text.endswith("元"):
                factor = Decimal(1)
        number = self.number(r, c, field, required=required, suffixes=("万元", "元"), positive=positive)
        if number is None:
            return None
        return (number * factor).quantize(_CENT, ROUND_HALF_UP)

    # ----------------------------------------------------------------- blocks

    def read(self) -> tuple[Evaluation, TableMeta]:
        grid = self.grid
        header_r = _find_row(grid, ("一级指标", "三级指标"))
        if header_r is None:
            raise InputError(
                [],
                "没有找到指标表头（一级指标、二级指标、三级指标、年度指标值、实际完成值、分值、得分），"
                "请使用标准的项目支出绩效自评表。",
            )
        top = grid[:header_r]
        ev = Evaluation()
        meta = TableMeta()
        for row in top:
            ev.project = ev.project or _value_right_of(row, ("项目名称",))
            ev.department = ev.department or _value_right_of(row, ("主管部门",))
            meta.implementing_unit = meta.implementing_unit or _value_right_of(row, ("实施单位",))
        ev.year = self._year(top)
        self._funds(ev, meta, header_r)
        self._goal(ev, header_r)
        self._indicators(ev, header_r)
        if self.problems:
            raise InputError(self.problems)
        return ev, meta

    def _year(self, rows: list[list[Any]]) -> int | None:
        for row in rows[:6]:
            for value in row:
                match = re.search(r"(20\d{2})\s*年", normalize(_text(value)))
                if match:
                    return int(match.group(1))
        return None

    def _funds(self, ev: Evaluation, meta: TableMeta, header_r: int) -> None:
        funds_r = _find_row(self.grid[:header_r], ("全年预算数", "全年执行数"))
        if funds_r is None:
            self.problems.append(
                Problem("没有找到资金表头（年初预算数、全年预算数、全年执行数）。", "项目资金")
            )
            return
        header = [_label(v) for v in self.grid[funds_r]]

        def col(*words: str) -> int | None:
            return next((c for c, label in enumerate(header) if any(w in label for w in words)), None)

        c_initial, c_adjusted, c_executed = col("年初预算"), col("全年预算"), col("全年执行")
        c_score = next((c for c, label in enumerate(header) if "得分" in label), None)
        above = " ".join(_label(v) for row in self.grid[max(0, funds_r - 2) : funds_r + 2] for v in row)
        factor = _WAN if "万元" in above or "元" not in above else Decimal(1)
        meta.amount_unit = "万元" if factor == _WAN else "元"
        value_r = next(
            (
                r
                for r in range(funds_r + 1, header_r)
                if any("年度资金总额" in _label(v) or "资金总额" in _label(v) for v in self.grid[r])
            ),
            None,
        )
        if value_r is None:  # no 年度资金总额 label: the first row below the header with any amount
            value_r = next(
                (
                    r
                    for r in range(funds_r + 1, header_r)
                    if _cell(self.grid[r], c_adjusted) is not None
                    or _cell(self.grid[r], c_executed) is not None
                ),
                funds_r + 1,
            )
        if value_r >= len(self.grid):
            self.problem(funds_r, c_adjusted, "全年预算数", "资金表头下没有金额行（年度资金总额）。")
            return
        ev.budget_initial = self.money(value_r, c_initial, "年初预算数", factor, required=False)
        ev.budget_adjusted = self.money(
            value_r, c_adjusted, "全年预算数", factor, required=True, positive=True
        )
        ev.budget_executed = self.money(value_r, c_executed, "全年执行数", factor, required=True)
        if c_score is not None:
            ev.declared_execution_score = self.number(value_r, c_score, "执行率得分", required=False)

    def _goal(self, ev: Evaluation, header_r: int) -> None:
        goal_r = _find_row(self.grid[:header_r], ("预期目标",))
        if goal_r is None:
            return
        header = [_label(v) for v in self.grid[goal_r]]
        c_goal = next((c for c, label in enumerate(header) if "预期目标" in label), None)
        c_result = next((c for c, label in enumerate(header) if "实际完成" in label), None)
        for r in range(goal_r + 1, header_r):
            goal, result = _text(_cell(self.grid[r], c_goal)), _text(_cell(self.grid[r], c_result))
            if goal or result:
                ev.goal, ev.goal_result = goal, result
                return

    def _indicators(self, ev: Evaluation, header_r: int) -> None:
        columns = _column_map(self.grid[header_r])
        missing = [COLUMN_LABELS[f] for f in REQUIRED_COLUMNS if f not in columns]
        if missing:
            self.problems.append(Problem(f"指标表头缺少：{'、'.join(missing)}。", "指标表头", header_r + 1))
            return
        level1 = level2 = ""
        total_r = None
        for r in range(header_r + 1, len(self.grid)):
            row = self.grid[r]
            labels = [_label(v) for v in row[: columns["name"] + 1]]
            if any(label.startswith(("总分", "合计")) for label in labels):
                total_r = r
                break
            if _label(_cell(row, columns["level1"])) == "一级指标":  # header repeated on a new page
                continue
            fields = {f: _cell(row, c) for f, c in columns.items()}
            if all(
                _text(fields.get(f)) == "" for f in ("name", "target", "actual", "weight", "declared_score")
            ):
                continue  # a blank row, or a row with only the merged 一级/二级 labels
            level1 = _text(fields.get("level1")) or level1
            level2 = _text(fields.get("level2")) or level2
            self._indicator(ev, r, columns, fields, level1, level2)
        if not ev.indicators and not self.problems:
            self.problems.append(Problem("指标表中没有任何指标行。", "三级指标", header_r + 2))
        if total_r is not None:
            ev.declared_total = self.number(
                total_r, columns.get("declared_score"), "总分得分", required=False
            )
            for r in range(total_r + 1, len(self.grid)):
                reason = _value_right_of(self.grid[r], ("预算执行偏差原因", "执行偏差原因", "执行率偏差原因"))
                if reason:
                    ev.execution_reason = reason
                    break

    def _indicator(
        self,
        ev: Evaluation,
        r: int,
        columns: dict[str, int],
        fields: dict[str, Any],
        level1: str,
        level2: str,
    ) -> None:
        name = _text(fields.get("name"))
        if not name:
            self.problem(r, columns["name"], "三级指标", "三级指标未填写。")
        if not level1:
            self.problem(r, columns["level1"], "一级指标", "一级指标未填写。")
        target_raw = fields.get("target")
        if _text(target_raw) == "":
            self.problem(r, columns["target"], "年度指标值", "年度指标值未填写。")
            target = Value(QUALITATIVE, None, "", "")
        else:
            target = parse_value(_text(target_raw) if isinstance(target_raw, str) else to_decimal(target_raw))
        actual_raw = fields.get("actual")
        declared_raw = _label(fields.get("declared_score"))
        applicable = not any(w == declared_raw or w == _label(actual_raw) for w in NOT_APPLICABLE_WORDS)
        if isinstance(actual_raw, str):
            actual: Any = actual_raw.strip() or None
        elif actual_raw is None:
            actual = None
        else:
            actual = to_decimal(actual_raw)
        weight = self.number(r, columns["weight"], "分值", required=True)
        declared = None
        if applicable:
            declared = self.number(r, columns.get("declared_score"), "得分", required=False)
        ev.indicators.append(
            Indicator(
                level1=level1,
                level2=level2,
                name=name,
                target=target,
                actual=actual if applicable else None,
                weight=weight or Decimal(0),
                declared_score=declared,
                deviation_reason=_text(fields.get("deviation_reason")),
                applicable=applicable,
                row=r + 1,
            )
        )


def read_table(data: bytes) -> tuple[Evaluation, TableMeta]:
    """Read a 自评表 xlsx; raises InputError listing every problem (row and column)."""
    return _TableReader(_read_grid(data)).read()


# ------------------------------------------------------------------- writing

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_FONT = Font(name="宋体", size=10)
_BOLD = Font(name="宋体", size=10, bold=True)
_TITLE = Font(name="方正小标宋简体", size=16)
WIDTHS = (10, 11, 13, 24, 14, 14, 8, 8, 28)
NCOLS = len(WIDTHS)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _actual_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _number(value)
    return value


def write_table(
    ev: Evaluation,
    result: Result | None = None,
    meta: TableMeta | None = None,
    *,
    budget_weight: Decimal = Decimal(10),
) -> bytes:
    """The 自评表 as xlsx in the standard layout (amounts in 万元, exact to the 元)."""
    wb = Workbook()
    ws = cast(Worksheet, wb.active)
    ws.title = "项目支出绩效自评表"
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    sheet = _Sheet(ws)
    _write_heading(sheet, ev, meta or TableMeta())
    _write_funds(sheet, ev, result, budget_weight)
    _write_goal(sheet, ev)
    header_r = _write_indicators(sheet, ev, budget_weight)
    ws.print_options.horizontalCentered = True
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_r}:{header_r}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class _Sheet:
    """The worksheet with the table's one way of writing a bordered, merged cell."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws

    def put(
        self,
        r: int,
        c: int,
        value: Any,
        *,
        span: int = 1,
        rows: int = 1,
        align: Alignment = _CENTER,
        font: Font = _FONT,
        fmt: str | None = None,
    ) -> None:
        cell = write_cell(self.ws, r, c, value)
        cell.alignment, cell.font = align, font
        if fmt:
            cell.number_format = fmt
        if span > 1 or rows > 1:
            self.ws.merge_cells(start_row=r, start_column=c, end_row=r + rows - 1, end_column=c + span - 1)
        for rr in range(r, r + rows):
            for cc in range(c, c + span):
                self.ws.cell(row=rr, column=cc).border = _BORDER


def _write_heading(sheet: _Sheet, ev: Evaluation, meta: TableMeta) -> None:
    ws, put = sheet.ws, sheet.put
    write_cell(ws, 1, 1, "项目支出绩效自评表").font = _TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=NCOLS)
    ws.cell(row=1, column=1).alignment = _CENTER
    ws.row_dimensions[1].height = 30
    write_cell(ws, 2, 1, f"（{ev.year}年度）" if ev.year else "（    年度）").alignment = _CENTER
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=NCOLS)
    put(3, 1, "项目名称")
    put(3, 2, ev.project, span=8, align=_LEFT)
    put(4, 1, "主管部门")
    put(4, 2, ev.department, span=3, align=_LEFT)
    put(4, 5, "实施单位", span=2)
    put(4, 7, meta.implementing_unit or ev.department, span=3, align=_LEFT)


def _wan(value: Decimal | None) -> Decimal | None:
    return None if value is None else value / _WAN


def _write_funds(sheet: _Sheet, ev: Evaluation, result: Result | None, budget_weight: Decimal) -> None:
    """Rows 5–9: the project's funds in 万元, its execution rate and score."""
    put = sheet.put
    money = "#,##0.00####"
    put(5, 1, "项目资金\n（万元）", rows=5)
    put(5, 2, "", span=2)
    for c, label in zip(
        range(4, 10), ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), strict=True
    ):
        put(5, c, label)
    rate = result.execution_rate if result else None
    wan = [_wan(v) for v in (ev.budget_initial, ev.budget_adjusted, ev.budget_executed)]
    put(6, 2, "年度资金总额", span=2)
    for c, value in zip((4, 5, 6), wan, strict=True):
        put(6, c, _number(value), fmt=money)
    put(6, 7, _number(budget_weight))
    put(6, 8, None if rate is None else float(rate / 100), fmt="0.00%")
    put(6, 9, _number(ev.declared_execution_score))
    put(7, 2, "其中：当年财政拨款", span=2)
    for c, value in zip((4, 5, 6), wan, strict=True):
        put(7, c, _number(value), fmt=money)
    for r, label in ((8, "上年结转资金"), (9, "其他资金")):
        put(r, 2, label, span=2)
        for c in (4, 5, 6):
            put(r, c, None)
    for r in (7, 8, 9):
        for c in (7, 8, 9):
            put(r, c, "—")


def _write_goal(sheet: _Sheet, ev: Evaluation) -> None:
    put = sheet.put
    put(10, 1, "年度总体目标", rows=2)
    put(10, 2, "预期目标", span=4)
    put(10, 6, "实际完成情况", span=4)
    put(11, 2, ev.goal, span=4, align=_LEFT)
    put(11, 6, ev.goal_result, span=4, align=_LEFT)
    sheet.ws.row_dimensions[11].height = 60


def _write_indicators(sheet: _Sheet, ev: Evaluation, budget_weight: Decimal) -> int:
    """The indicator rows from row 12, the total and the deviation reason; the header row."""
    put = sheet.put
    header_r = 12
    first = header_r + 1
    n = max(1, len(ev.indicators))
    put(header_r, 1, "绩效指标", rows=n + 1)
    for c, label in enumerate(
        (
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ),
        start=2,
    ):
        put(header_r, c, label, font=_BOLD)
    for i, ind in enumerate(ev.indicators):
        r = first + i
        put(r, 2, ind.level1)
        put(r, 3, ind.level2)
        put(r, 4, ind.name, align=_LEFT)
        put(r, 5, ind.target.text or ind.target.display())
        put(r, 6, _actual_cell(ind.actual) if ind.applicable else "不适用")
        put(r, 7, _number(ind.weight))
        put(r, 8, _number(ind.declared_score) if ind.applicable else "不适用")
        put(r, 9, ind.deviation_reason, align=_LEFT)
    _merge_runs(sheet.ws, 2, first, ev.indicators, lambda ind: ind.level1)
    _merge_runs(sheet.ws, 3, first, ev.indicators, lambda ind: (ind.level1, ind.level2))
    total_r = first + n
    put(total_r, 1, "总分", span=6)
    put(total_r, 7, _number(sum((i.weight for i in ev.indicators), budget_weight)))
    put(total_r, 8, _number(ev.declared_total))
    put(total_r, 9, "")
    put(total_r + 1, 1, "预算执行偏差原因", span=2)
    put(total_r + 1, 3, ev.execution_reason, span=7, align=_LEFT)
    return header_r


def _merge_runs(ws: Any, column: int, first: int, indicators: list[Indicator], key: Any) -> None:
    """Merge consecutive rows with the same 一级/二级 label, as the printed table does."""
    start = 0
    for i in range(1, len(indicators) + 1):
        if i == len(indicators) or key(indicators[i]) != key(indicators[start]):
            if i - start > 1:
                ws.merge_cells(
                    start_row=first + start, start_column=column, end_row=first + i - 1, end_column=column
                )
            start = i
