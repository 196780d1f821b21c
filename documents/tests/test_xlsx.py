from __future__ import annotations

import datetime
import io
from decimal import Decimal
from unittest import TestCase

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from documents.xlsx import FORMULA_TRIGGERS, table_workbook

# What an attacker types into a name, a note or a reason, hoping it runs in Excel.
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def assert_text_cells(test: TestCase, content: bytes) -> int:
    """No cell of any sheet is a formula, and every string that starts like one
    (=, +, -, @, tab, CR) is a string cell with the quote prefix; returns how many
    such strings there are (the caller says how many it planted)."""
    found = 0
    for ws in load_workbook(io.BytesIO(content)).worksheets:
        assert isinstance(ws, Worksheet)
        for row in ws.iter_rows():
            for cell in row:
                where = f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                test.assertNotEqual(cell.data_type, "f", where)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    test.assertEqual(cell.data_type, "s", where)
                    test.assertTrue(cell.quotePrefix, where)
                    found += 1
    return found


class CellWriterTestCase(TestCase):
    def test_it_writes_formula_lookalikes_as_quoted_text(self):
        content = table_workbook([("表", ["名称"], [[value] for value in HOSTILE])])
        self.assertEqual(assert_text_cells(self, content), len(HOSTILE))
        values = [
            r[0] for r in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)
        ]
        self.assertEqual(values, HOSTILE)  # shown and re-read unchanged

    def test_it_keeps_numbers_dates_and_plain_text_as_they_are(self):
        row = [1, -2.5, Decimal("3.25"), datetime.date(2023, 12, 31), True, "普通文字", "#N/A", None]
        ws = load_workbook(io.BytesIO(table_workbook([("表", ["a"] * 8, [row])]))).active
        cells = ws[2]
        self.assertEqual([c.data_type for c in cells[:3]], ["n", "n", "n"])
        self.assertEqual([c.value for c in cells[:3]], [1, -2.5, 3.25])
        self.assertEqual(cells[3].value.date(), datetime.date(2023, 12, 31))
        self.assertEqual((cells[4].value, cells[5].value, cells[5].quotePrefix), (True, "普通文字", False))
        self.assertEqual((cells[6].value, cells[6].data_type), ("#N/A", "s"))

    def test_it_drops_characters_a_workbook_cannot_hold_instead_of_failing(self):
        content = table_workbook([("a/b:c*?[x]" * 5, ["名称"], [["前\x00\x07后"]])])
        ws = load_workbook(io.BytesIO(content)).active
        self.assertEqual(ws["A2"].value, "前后")
        self.assertEqual(len(ws.title), 31)
