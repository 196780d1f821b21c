from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from unittest import TestCase

from documents import ooxml
from documents.tests import hostile
from performance.engine import score_evaluation
from performance.standard_table import write_table
from performance.tests.engine_helpers import seed_evaluation


class BoundedOpenerTestCase(TestCase):
    def refused(self, data: bytes, **limits: int) -> str:
        """The message of the refusal, checked to come quickly and in little memory."""
        tracemalloc.start()
        started = time.monotonic()
        try:
            with self.assertRaises(ooxml.FileRefused) as ctx:
                ooxml.open_workbook_bounded(
                    data, max_rows=limits.get("max_rows", 5000), max_cols=limits.get("max_cols", 100)
                )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertLess(time.monotonic() - started, 3)
        self.assertLess(peak, 16 * 1024 * 1024)
        return ctx.exception.message

    def test_it_refuses_a_tiny_workbook_whose_cells_span_the_whole_grid(self):
        data = hostile.far_cells_xlsx()
        self.assertLess(len(data), 3000)
        message = self.refused(data)
        self.assertIn("XFD1048576", message)
        self.assertIn("最多 5,000 行、100 列", message)

    def test_it_ignores_a_dimension_that_claims_the_whole_grid(self):
        data = hostile.xlsx(hostile.sheet_xml([("A1", "名称"), ("B2", "x")], dimension="A1:XFD1048576"))
        book = ooxml.open_workbook_bounded(data, max_rows=10, max_cols=5)
        self.assertEqual((book.rows, book.cols), (2, 2))
        self.assertEqual(book.calamine().get_sheet_by_index(0).to_python(), [["名称", ""], ["", "x"]])
        sheet = book.openpyxl(read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(max_row=book.rows, max_col=book.cols, values_only=True))
        self.assertEqual(rows, [("名称", None), (None, "x")])

    def test_it_refuses_rows_and_columns_over_the_limits(self):
        self.assertIn("A5001", self.refused(hostile.wide_xlsx(5001, 1)))
        self.assertIn("CW1", self.refused(hostile.wide_xlsx(1, 101)))
        ooxml.open_workbook_bounded(hostile.wide_xlsx(5000, 100), max_rows=5000, max_cols=100)

    def test_it_refuses_a_merged_range_over_the_limits(self):
        sheet = hostile.sheet_xml([("A1", "x")]).replace(
            "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
        )
        self.assertIn("XFD1048576", self.refused(hostile.xlsx(sheet)))

    def test_it_refuses_a_gigabyte_member_by_its_declared_size(self):
        self.assertIn("压缩炸弹", self.refused(hostile.bomb_xlsx()))
        self.assertIn("压缩炸弹", self.refused(hostile.bomb_xlsx(text=True)))

    def test_it_refuses_a_member_that_inflates_past_its_lying_declared_size(self):
        message = self.refused(hostile.bomb_xlsx(declared=1000))
        self.assertIn("超过了它声明的大小", message)
        self.assertIn("超过了它声明的大小", self.refused(hostile.bomb_xlsx(text=True, declared=5000)))

    def test_it_refuses_an_absurd_compression_ratio(self):
        data = hostile.bomb_xlsx(text=True, size=50 * 1024 * 1024)  # under every size cap
        self.assertLess(len(data), 100_000)
        self.assertIn("压缩比异常", self.refused(data))

    def test_it_refuses_a_docx_zip_bomb(self):
        for data in (hostile.bomb_docx(), hostile.bomb_docx(declared=2000)):
            started = time.monotonic()
            with self.assertRaises(ooxml.FileRefused) as ctx:
                ooxml.inspect_package(data)
            self.assertLess(time.monotonic() - started, 3)
            self.assertIn("word/document.xml", ctx.exception.message)

    def test_it_refuses_too_many_members(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for n in range(2100):
                archive.writestr(f"xl/media/{n}.bin", b"")
        self.assertIn("部件过多", self.refused(buffer.getvalue()))

    def test_it_refuses_entity_declarations(self):
        laughs = (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        )
        sheet = hostile.sheet_xml([("A1", "&lol2;")]).replace(
            '<?xml version="1.0" encoding="UTF-8"?>', laughs
        )
        self.assertIn("DOCTYPE", self.refused(hostile.xlsx(sheet)))

    def test_it_refuses_an_old_xls_and_other_files_with_a_message(self):
        self.assertIn("另存为 .xlsx", self.refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)))
        self.assertIn("不是 Excel 工作簿", self.refused(b"%PDF-1.7 not a workbook"))
        self.assertIn("文件已损坏", self.refused(hostile.far_cells_xlsx()[:900]))

    def test_it_opens_an_honest_workbook(self):
        ev = seed_evaluation()
        book = ooxml.open_workbook_bounded(write_table(ev, score_evaluation(ev)), max_rows=100, max_cols=20)
        grid = book.calamine().get_sheet_by_index(0).to_python()
        self.assertEqual(grid[0][0], "项目支出绩效自评表")
        self.assertEqual(book.cols, 9)
