"""Reading a batch of problem clues from xlsx, one row per clue (no Django import).

Columns (by header, in any order; common aliases accepted): 问题标题, 问题描述,
责任单位, 问题类别, 来源, 严重程度, 登记日期, 办理期限, 挂牌督办. Title rows above
the header, blank rows and merged cells are tolerated, as in the 迎检 importer
(`provincial.importing`, whose bounded grid reader this shares). This module
checks what it can without the database (required cells, lengths, dates,
choices); the service resolves units and categories and imports nothing unless
every row is good. Every problem is reported as 第 N 行「列」：问题.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from documents.ooxml import FileRefused
from provincial.importing import RowError, _grid, _norm_header, _text, open_import_workbook

MAX_ROWS = 5000
MAX_COLS = 50
MAX_CELLS = 200_000

COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "title": ("问题标题", ("问题标题", "线索标题", "标题", "问题名称", "问题线索", "问题")),
    "description": ("问题描述", ("问题描述", "线索内容", "问题内容", "具体问题", "情况描述", "描述")),
    "org": ("责任单位", ("责任单位", "承办单位", "被反映单位", "涉及单位", "单位")),
    "category": ("问题类别", ("问题类别", "类别", "问题类型", "类型")),
    "source": ("来源", ("来源", "线索来源", "问题来源")),
    "severity": ("严重程度", ("严重程度", "程度", "问题等级")),
    "registered_on": ("登记日期", ("登记日期", "受理日期", "发现日期", "日期")),
    "deadline": ("办理期限", ("办理期限", "期限", "整改期限", "办结期限")),
    "supervised": ("挂牌督办", ("挂牌督办", "是否挂牌督办", "督办")),
}
REQUIRED = ("title", "org")
HEADER_SCAN_ROWS = 20
TEMPLATE_HEADERS = [label for label, _ in COLUMNS.values()]
YES = {"是", "Y", "YES", "√", "1", "TRUE", "挂牌", "挂牌督办"}
NO = {"", "否", "N", "NO", "0", "FALSE", "×"}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class ParsedClue:
    row: int
    title: str
    org: str
    description: str = ""
    category: str = ""
    source: str = ""  # the label as written (督察, 12345转办 …); empty: the form's default
    severity: str = ""
    registered_on: datetime.date | None = None
    deadline: datetime.date | None = None
    supervised: bool = False


@dataclass
class ParsedBatch:
    clues: list[ParsedClue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    sheet: str = ""


def parse_date(value: Any) -> datetime.date | None:
    """A cell as a date: an Excel date, "2023-05-01", "2023/5/1", "2023年5月1日". ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = unicodedata.normalize("NFKC", _text(value))
    if not text:
        return None
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"「{text[:20]}」不是日期，请写成 2023-05-01")
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"「{text[:20]}」不是有效的日期") from None


def parse_flag(value: Any) -> bool:
    text = unicodedata.normalize("NFKC", _text(value)).strip().upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"「{_text(value)[:10]}」应为「是」或「否」")


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping: dict[str, int] = {}
        for col, value in enumerate(row):
            header = _norm_header(value)
            for key, (_, aliases) in COLUMNS.items():
                if header and key not in mapping and header in aliases:
                    mapping[key] = col
                    break
        if "title" in mapping and ("org" in mapping or len(mapping) >= 3):
            return index, mapping
    return None


def parse_workbook(content: bytes) -> ParsedBatch:
    result = ParsedBatch()
    try:
        book, wb = open_import_workbook(
            content, max_rows=2 * MAX_ROWS, max_cols=MAX_COLS, max_cells=MAX_CELLS
        )
    except FileRefused as exc:
        result.errors.append(RowError(0, "", exc.message))
        return result
    for ws in wb.worksheets:
        rows, _ = _grid(ws, book)
        found = _find_header(rows)
        if found is None:
            continue
        result.sheet = ws.title
        _parse_rows(rows, *found, result)
        return result
    result.errors.append(
        RowError(0, "", "未找到表头：表头行应包含「问题标题」「责任单位」等列。请使用导入模板。")
    )
    return result


def _parse_rows(rows: list[list[Any]], header_index: int, cols: dict[str, int], result: ParsedBatch) -> None:
    header_row = header_index + 1
    for key in REQUIRED:
        if key not in cols:
            result.errors.append(RowError(header_row, COLUMNS[key][0], "表头缺少该列"))
    if result.errors:
        return
    data_rows = rows[header_index + 1 :]
    if len(data_rows) > MAX_ROWS:
        result.errors.append(RowError(0, "", f"行数超过 {MAX_ROWS} 行，请分批导入。"))
        return
    for offset, row in enumerate(data_rows):
        excel_row = header_index + 2 + offset
        raw = {key: (row[col] if col < len(row) else None) for key, col in cols.items()}
        if not any(_text(v) for v in raw.values()):
            continue
        clue = _parse_row(excel_row, raw, result.errors)
        if clue is not None:
            result.clues.append(clue)
    if not result.clues and not result.errors:
        result.errors.append(RowError(0, "", "表中没有问题线索（表头下方没有数据行）。"))


def _parse_row(excel_row: int, raw: dict[str, Any], errors: list[RowError]) -> ParsedClue | None:
    before = len(errors)

    def text(key: str, limit: int, *, required: bool = False) -> str:
        value = _text(raw.get(key))
        label = COLUMNS[key][0]
        if required and not value:
            errors.append(RowError(excel_row, label, "不能为空"))
        elif len(value) > limit:
            errors.append(RowError(excel_row, label, f"不能超过 {limit} 个字符"))
        return value

    def parsed(key: str, parser: Any, default: Any) -> Any:
        try:
            return parser(raw.get(key))
        except ValueError as exc:
            errors.append(RowError(excel_row, COLUMNS[key][0], str(exc)))
            return default

    clue = ParsedClue(
        row=excel_row,
        title=text("title", 200, required=True),
        org=text("org", 100, required=True),
        description=text("description", 5000),
        category=text("category", 50),
        source=text("source", 20),
        severity=text("severity", 10),
        registered_on=parsed("registered_on", parse_date, None),
        deadline=parsed("deadline", parse_date, None),
        supervised=parsed("supervised", parse_flag, False),
    )
    if clue.deadline and clue.registered_on and clue.deadline < clue.registered_on:
        errors.append(
            RowError(
                excel_row,
                "办理期限",
                f"办理期限 {clue.deadline:%Y-%m-%d} 早于登记日期 {clue.registered_on:%Y-%m-%d}",
            )
        )
    return clue if len(errors) == before else None
