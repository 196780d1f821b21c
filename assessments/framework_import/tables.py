"""Reading the tables of an .xlsx or a .docx into grids of cells.

Every cell keeps where it came from ("Sheet1!C7", or "表1 第7行第3列" in a Word
file); a merged cell's value is carried into every cell it covers, with the
source of its top-left cell. Files are opened within bounds
(documents/ooxml.py): an oversized or hostile file is refused, never opened.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree
from openpyxl.utils import get_column_letter

from assessments.framework_import.model import TableError
from documents.ooxml import FileRefused, PackageLimits, inspect_package, open_workbook_bounded

MAX_ROWS = 3000
MAX_COLS = 60
MAX_CELLS = 200_000
DOCX_LIMITS = PackageLimits(max_bytes=32 * 1024 * 1024)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Cell:
    text: str
    ref: str  # the source cell of the value (a merged range's top-left cell)
    origin: tuple[int, int]  # (row, col) of that cell, 0-based
    across: bool = False  # merged with the cell to its right or left


@dataclass
class Grid:
    label: str  # "Sheet1" or "表1"
    rows: list[list[Cell]]
    before: list[str] = field(default_factory=list)  # text above the table (a Word file's title)

    def ref(self, row: int, col: int) -> str:
        """The reference of a cell position (0-based), in the file's own words."""
        if self.label.startswith("表"):
            return f"{self.label} 第{row + 1}行第{col + 1}列"
        return f"{self.label}!{get_column_letter(col + 1)}{row + 1}"


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    return "\n".join(line.strip() for line in text.strip().split("\n")).strip()


def read_file(content: bytes, filename: str = "") -> list[Grid]:
    """The grids of a file: one per worksheet or per Word table. Raises TableError."""
    if not content:
        raise TableError("文件是空的。")
    if content.startswith(_OLE2):
        raise TableError(
            "这是旧版 Office 文件（.xls/.doc），请在 Excel 或 Word 中另存为 .xlsx 或 .docx 后再导入。"
        )
    kind = _package_kind(content)
    if kind == "xlsx":
        return read_xlsx(content)
    if kind == "docx":
        return read_docx(content)
    name = f"「{filename}」" if filename else ""
    raise TableError(f"文件{name}不是 Excel（.xlsx）或 Word（.docx）文件，无法识别其中的表格。")


def _package_kind(content: bytes) -> str:
    if not content.startswith(b"PK"):
        return ""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist()[:5000])
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return ""
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return ""


# ----------------------------------------------------------------- xlsx


def read_xlsx(content: bytes) -> list[Grid]:
    try:
        book = open_workbook_bounded(content, max_rows=MAX_ROWS, max_cols=MAX_COLS, max_cells=MAX_CELLS)
        workbook = book.openpyxl()
    except FileRefused as exc:
        raise TableError(exc.message) from None
    except Exception:  # openpyxl's many ways of failing on a broken file
        raise TableError("无法读取该 Excel 文件：文件已损坏或不是有效的 .xlsx 文件。") from None
    grids = []
    for ws in workbook.worksheets:
        grid = Grid(label=ws.title, rows=[])
        values = [
            [cell_text(v) for v in row]
            for row in ws.iter_rows(
                values_only=True, max_row=max(1, min(book.rows, MAX_ROWS)), max_col=max(1, book.cols)
            )
        ]
        width = max((len(r) for r in values), default=0)
        grid.rows = [
            [Cell(r[c] if c < len(r) else "", grid.ref(i, c), (i, c)) for c in range(width)]
            for i, r in enumerate(values)
        ]
        for merged in ws.merged_cells.ranges:
            _fill_merged(grid, merged.min_row - 1, merged.min_col - 1, merged.max_row, merged.max_col)
        grids.append(grid)
    workbook.close()
    return grids


def _fill_merged(grid: Grid, top: int, left: int, bottom: int, right: int) -> None:
    if top >= len(grid.rows) or left >= len(grid.rows[top]):
        return
    source = grid.rows[top][left]
    across = right - left > 1
    for r in range(top, min(bottom, len(grid.rows))):
        for c in range(left, min(right, len(grid.rows[r]))):
            grid.rows[r][c] = Cell(source.text, source.ref, (top, left), across)


# ----------------------------------------------------------------- docx


def read_docx(content: bytes) -> list[Grid]:
    try:
        inspect_package(content, limits=DOCX_LIMITS)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read("word/document.xml")
    except FileRefused as exc:
        raise TableError(exc.message) from None
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        raise TableError("无法读取该 Word 文件：文件已损坏或不是有效的 .docx 文件。") from None
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml[:4096]:
        raise TableError("Word 文件含有 DOCTYPE 或实体声明，不是正常的 Office 文档，已拒绝。")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError:
        raise TableError("Word 文件已损坏：正文不是合法的 XML。") from None
    body = root.find(f"{W}body")
    if body is None:
        return []
    grids: list[Grid] = []
    before: list[str] = []
    for child in body:
        if child.tag == f"{W}p":
            text = _paragraph_text(child)
            if text:
                before.append(text)
        elif child.tag == f"{W}tbl":
            grids.append(_read_table(child, len(grids) + 1, before))
            before = []
    return grids


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        else:
            parts.append(" " if node.tag == f"{W}tab" else "\n")
    return cell_text("".join(parts))


def _int_attr(node: Any, path: str, default: int) -> int:
    found = node.find(path)
    if found is None:
        return default
    try:
        return max(1, min(int(found.get(f"{W}val", default)), MAX_COLS))
    except ValueError:
        return default


def _read_table(table: Any, number: int, before: list[str]) -> Grid:
    grid = Grid(label=f"表{number}", rows=[], before=list(before))
    for r, tr in enumerate(table.findall(f"{W}tr")[:MAX_ROWS]):
        row: list[Cell] = []
        for _ in range(_int_attr(tr, f"{W}trPr/{W}gridBefore", 0)):
            row.append(Cell("", grid.ref(r, len(row)), (r, len(row))))
        for tc in tr.findall(f"{W}tc"):
            _append_word_cell(grid, r, row, tc)
        grid.rows.append(row)
    width = max((len(row) for row in grid.rows), default=0)
    for r, row in enumerate(grid.rows):
        while len(row) < width:
            row.append(Cell("", grid.ref(r, len(row)), (r, len(row))))
    return grid


def _append_word_cell(grid: Grid, r: int, row: list[Cell], tc: Any) -> None:
    span = _int_attr(tc, f"{W}tcPr/{W}gridSpan", 1)
    merge = tc.find(f"{W}tcPr/{W}vMerge")
    continues = merge is not None and merge.get(f"{W}val", "continue") != "restart"
    c = len(row)
    above = grid.rows[r - 1][c] if continues and r > 0 and c < len(grid.rows[r - 1]) else None
    if above is not None:
        source = Cell(above.text, above.ref, above.origin, span > 1 or above.across)
    else:
        text = "\n".join(t for t in (_paragraph_text(p) for p in tc.findall(f"{W}p")) if t)
        source = Cell(text, grid.ref(r, c), (r, c), span > 1)
    for _ in range(span):
        if len(row) >= MAX_COLS:
            return
        row.append(source)
