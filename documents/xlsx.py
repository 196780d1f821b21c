"""Every xlsx the system writes: one cell writer, and tabular exports that open
cleanly in Excel and WPS.

User text is written as text, always: a value starting with =, +, -, @, a tab
or a carriage return would otherwise be a formula (openpyxl turns "=…" into
one) or become one when someone edits the cell in Excel ("CSV/formula
injection": =HYPERLINK(…) leaking data, +cmd|… launching programs). Such
strings are stored as string cells with Excel's "quote prefix" (the leading
apostrophe Excel shows as '=…), so they display and re-import unchanged;
characters XML cannot hold are dropped instead of failing the export. Numbers,
dates and booleans stay what they are. No Django import at module level: the
pure modules (performance.standard_table) write through it too.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from django.http import HttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_TYPES = (bool, int, float, Decimal, datetime.date, datetime.datetime, datetime.time)


def write_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell | MergedCell:
    """Put `value` into the cell: numbers, dates and booleans as themselves,
    anything else as text that never becomes a formula."""
    cell = ws.cell(row=row, column=column)
    if value is None or isinstance(value, _PLAIN_TYPES):
        cell.value = value
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl made "=…" a formula and "#N/A" an error
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def write_row(
    ws: Worksheet, row: int, values: Iterable[Any], *, start_column: int = 1
) -> list[Cell | MergedCell]:
    return [write_cell(ws, row, column, value) for column, value in enumerate(values, start=start_column)]


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment_disposition(filename: str) -> str:
    """RFC 6266 with a UTF-8 name, which Edge, Chrome, WPS and Excel all read."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _sheet_title(title: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in ILLEGAL_CHARACTERS_RE.sub("", title))
    return cleaned[:31] or "Sheet"


def table_workbook(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    wb = Workbook()
    for sheet in list(wb.worksheets):
        wb.remove(sheet)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(_sheet_title(title))
        for cell in write_row(ws, 1, headers):
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F2F2F2")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths = [max(6, len(str(h)) * 2 + 2) for h in headers]
        for number, row in enumerate(rows, start=2):
            write_row(ws, number, row)
            for i, value in enumerate(row):
                if i < len(widths):
                    widths[i] = min(60, max(widths[i], len(str(value if value is not None else "")) * 2 + 2))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A generated file for download; PDF, xlsx and docx get the viewer's watermark
    on the way out (documents.watermark.WatermarkMiddleware)."""
    from django.http import HttpResponse

    from documents.watermark import mark_for_watermark

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename)
    return mark_for_watermark(response)


def xlsx_response(
    filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    return file_response(table_workbook([(title, headers, rows)]), filename, XLSX_MIME)
