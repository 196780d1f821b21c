"""Watermarks: every exported PDF, xlsx and docx and every preview names the viewer and the time."""

from __future__ import annotations

import io
import re

import docx
import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attachments.services import attachment_create
from attachments.tests import samples
from documents import gongwen, watermark
from fazhi.testing import BaseTestCase
from notices import services as notice_services
from performance.tests.fixtures import make_project


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def stamped_time(text: str):
    """The time in a watermark, checked to be about now."""
    import datetime

    found = re.search(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})", text)
    assert found, text
    when = timezone.make_aware(datetime.datetime.strptime(found.group(1), "%Y-%m-%d %H:%M"))
    assert abs((timezone.now() - when).total_seconds()) < 180, (when, timezone.now())
    return when


class ExportWatermarkTestCase(BaseTestCase):
    def test_it_stamps_an_exported_pdf_on_every_page_with_the_viewer_and_the_time(self):
        project = make_project(self.sfj)
        response = self.client_for(self.assessor).get(reverse("performance:report_pdf", args=[project.pk]))
        self.assertEqual(response.status_code, 200)
        pages = PdfReader(io.BytesIO(response.content)).pages
        self.assertGreater(len(pages), 1)
        for page in pages:
            self.assertIn("assessor_sfj", page.extract_text())
        stamped_time(pdf_text(response.content))
        self.assertEqual(response["Content-Length"], str(len(response.content)))

    def test_it_puts_the_viewer_in_the_header_of_an_exported_docx(self):
        notice = notice_services.notice_send(
            actor=self.office, title="水印测试", body="正文", recipients=[self.county_org]
        )
        response = self.client_for(self.county).get(reverse("notices:docx", args=[notice.pk]))
        document = docx.Document(io.BytesIO(response.content))
        for section in document.sections:
            self.assertIn("pengjiang", section.header.paragraphs[0].text)
            self.assertIn("pengjiang", section.even_page_header.paragraphs[0].text)
            stamped_time(section.header.paragraphs[0].text)

    def test_it_puts_the_viewer_in_the_header_of_every_sheet_of_an_exported_xlsx(self):
        response = self.client_for(self.office).get(reverse("orgs:export"))
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        for sheet in workbook.worksheets:
            self.assertIn("office", sheet.oddHeader.right.text)
            stamped_time(sheet.oddHeader.right.text)

    def test_it_leaves_exports_unmarked_when_the_setting_is_off(self):
        with override_settings(WATERMARK=False):
            response = self.client_for(self.office).get(reverse("orgs:export"))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        self.assertFalse(sheet.oddHeader.right.text)

    def test_it_keeps_text_cells_text_when_stamping_a_workbook(self):
        from documents.xlsx import table_workbook

        stamped = watermark.stamp_xlsx(
            table_workbook([("表", ["名称"], [['=HYPERLINK("x")']])]), "甲 2026-01-01 08:00"
        )
        cell = openpyxl.load_workbook(io.BytesIO(stamped)).active["A2"]
        self.assertEqual((cell.value, cell.data_type, cell.quotePrefix), ('=HYPERLINK("x")', "s", True))

    def test_it_keeps_what_a_sheet_header_already_says_and_the_parts_order(self):
        import zipfile

        from openpyxl.worksheet.table import Table

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["名称", "分数"])
        ws.append(["蓬江区", 95])
        ws.oddHeader.left.text = "江门市依法治市办"
        ws.add_table(Table(displayName="T1", ref="A1:B2"))
        wb.create_sheet("第二页")["A1"] = "乙"
        buffer = io.BytesIO()
        wb.save(buffer)
        stamped = watermark.stamp_xlsx(buffer.getvalue(), "甲 2026-01-01 08:00")
        loaded = openpyxl.load_workbook(io.BytesIO(stamped))
        first, second = loaded.worksheets
        self.assertEqual(first.oddHeader.left.text, "江门市依法治市办")
        for sheet in (first, second):
            for header in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
                self.assertEqual(header.right.text, "甲 2026-01-01 08:00")
        self.assertEqual((first["A2"].value, first["B2"].value, len(first.tables)), ("蓬江区", 95, 1))
        # <headerFooter> before <tableParts>, as the schema orders a worksheet's parts
        with zipfile.ZipFile(io.BytesIO(stamped)) as package:
            xml = package.read("xl/worksheets/sheet1.xml").decode()
        self.assertLess(xml.index("<headerFooter"), xml.index("<tableParts"))
        self.assertEqual(xml.count("<headerFooter"), 1)

    def test_it_stamps_a_gongwen_pdf_without_losing_its_text(self):
        pdf = gongwen.render_pdf(gongwen.Document(title="关于测试的通知", doc_number="江依法治办〔2026〕1号"))
        text = pdf_text(watermark.stamp_pdf(pdf, "张三（zhangsan） 2026-11-29 10:05"))
        self.assertIn("关于测试的通知", text)
        self.assertIn("张三（zhangsan） 2026-11-29 10:05", text)


class PreviewWatermarkTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.png = attachment_create(
            actor=self.county,
            uploaded_file=SimpleUploadedFile("现场照片.png", samples.png()),
            org=self.county_org,
        )
        self.pdf = attachment_create(
            actor=self.county,
            uploaded_file=SimpleUploadedFile("会议纪要.pdf", samples.PDF),
            org=self.county_org,
        )

    def test_it_shows_an_image_under_an_overlay_naming_the_viewer(self):
        response = self.client_for(self.office).get(reverse("attachments:preview", args=[self.png.pk]))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        overlay = re.search(r'<div class="watermark-overlay"[^>]*>(.*?)</div>', html, re.S)
        self.assertIsNotNone(overlay)
        self.assertIn("office", overlay.group(1))
        stamped_time(overlay.group(1))
        self.assertIn(reverse("attachments:preview_image", args=[self.png.pk]), html)

    def test_it_previews_a_pdf_as_a_stamped_copy_and_never_changes_the_stored_file(self):
        response = self.client_for(self.county).get(reverse("attachments:preview", args=[self.pdf.pk]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("inline"))
        self.assertIn("pengjiang", pdf_text(response.content))
        download = self.client_for(self.county).get(reverse("attachments:download", args=[self.pdf.pk]))
        self.assertEqual(b"".join(download.streaming_content), samples.PDF)

    def test_it_does_not_show_a_pdf_it_cannot_stamp(self):
        broken = attachment_create(
            actor=self.county,
            uploaded_file=SimpleUploadedFile("残缺.pdf", samples.PDF_WITHOUT_XREF),
            org=self.county_org,
        )
        response = self.client_for(self.county).get(reverse("attachments:preview", args=[broken.pk]))
        self.assertContains(response, "无法生成带水印的预览")
        self.assertNotEqual(response["Content-Type"], "application/pdf")

    def test_it_previews_files_as_they_are_when_the_setting_is_off(self):
        with override_settings(WATERMARK=False):
            response = self.client_for(self.county).get(reverse("attachments:preview", args=[self.pdf.pk]))
        self.assertEqual(b"".join(response.streaming_content), samples.PDF)


class CommandLineWatermarkTestCase(BaseTestCase):
    def test_it_stamps_a_report_written_by_the_command_with_the_account_that_ran_it(self):
        import getpass
        import json
        import tempfile
        from pathlib import Path

        from fazhi import cli
        from performance.tests.test_engine_inputs import seed_json

        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "seed.json"
            source.write_text(json.dumps(seed_json(), ensure_ascii=False), encoding="utf-8")
            target = Path(tmp) / "报告.pdf"
            code = cli.run(
                ["selfeval", "report", str(source), "-o", str(target)],
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            self.assertEqual(code, 0)
            text = pdf_text(target.read_bytes())
        self.assertIn(f"{getpass.getuser()}（命令行）", text)
        stamped_time(text)
