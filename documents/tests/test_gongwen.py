from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import zipfile

import docx
from django.test import SimpleTestCase
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree
from pypdf import PdfReader

from documents import gongwen
from documents.gongwen import Attachment, Cell, Document, Heading, Paragraph, Table


def sample_document() -> Document:
    return Document(
        title="2023年度全面依法治市项目绩效自评报告",
        subtitle="（江门市司法局）",
        signature="江门市司法局",
        date=datetime.date(2024, 3, 1),
        blocks=[
            Heading("项目概况"),
            Heading("项目立项背景和依据", 2),
            Paragraph("根据江门市司法局承担全面依法治市重大问题的政策研究的职责立项。"),
            Heading("项目完成情况", 2),
            Paragraph("2023年度部门预算安排财政资金698,000元 & 其他 <资金>。"),
            Heading("项目组织实施情况"),
            Heading("投入", 2),
            Heading("资金到位", 3),
            Heading("资金使用", 4),
            Paragraph("控制字符\x01被去掉。"),
        ],
        attachments=[
            Attachment(
                "附表",
                "项目支出绩效自评表",
                [
                    Table(
                        [
                            ["一级指标", "二级指标", "三级指标", "分值", "得分"],
                            [Cell("产出指标", rowspan=2), "数量指标", "专家库专家人数", "10", "10"],
                            ["质量指标", "考评覆盖率", "10", "10"],
                            [Cell("总分", colspan=3), "100", Cell("97", bold=True)],
                        ],
                        widths=[1, 1, 2, 0.6, 0.6],
                    )
                ],
            )
        ],
    )


def east_asia_font(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


class GongwenNumberingTestCase(SimpleTestCase):
    def test_it_writes_chinese_section_numbers(self):
        self.assertEqual(
            [gongwen.chinese_number(n) for n in (1, 9, 10, 11, 20, 36)],
            ["一", "九", "十", "十一", "二十", "三十六"],
        )

    def test_it_numbers_headings_by_level_and_restarts_below(self):
        blocks = [
            Heading("甲"),
            Heading("乙", 2),
            Heading("丙", 2),
            Heading("丁"),
            Heading("戊", 2),
            Heading("己", 3),
            Heading("庚", 4),
            Heading("原样", 2, numbered=False),
        ]
        texts = [b.text for b in gongwen.numbered_blocks(blocks)]
        self.assertEqual(
            texts, ["一、甲", "（一）乙", "（二）丙", "二、丁", "（一）戊", "1.己", "（1）庚", "原样"]
        )

    def test_it_formats_dates_without_leading_zeros(self):
        self.assertEqual(gongwen.format_date(datetime.date(2024, 3, 1)), "2024年3月1日")


class GongwenDocxTestCase(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = gongwen.render_docx(sample_document())
        cls.doc = docx.Document(io.BytesIO(cls.data))

    def test_it_writes_well_formed_parts(self):
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            for name in archive.namelist():
                etree.fromstring(archive.read(name))  # raises on malformed XML
            self.assertIn("word/footer1.xml", archive.namelist())

    def test_it_sets_a4_and_the_gbt9704_margins(self):
        section = self.doc.sections[0]
        self.assertAlmostEqual(section.page_width.mm, 210, delta=0.1)
        self.assertAlmostEqual(section.page_height.mm, 297, delta=0.1)
        for attr, mm in (
            ("top_margin", 37),
            ("bottom_margin", 35),
            ("left_margin", 28),
            ("right_margin", 26),
        ):
            self.assertAlmostEqual(getattr(section, attr).mm, mm, delta=0.1, msg=attr)

    def test_it_names_the_gongwen_fonts_through_east_asia(self):
        styles = self.doc.styles
        self.assertEqual(east_asia_font(styles["Normal"]), "仿宋_GB2312")
        self.assertEqual(styles["Normal"].font.size, Pt(16))
        self.assertEqual(east_asia_font(styles["公文标题"]), "方正小标宋简体")
        self.assertEqual(styles["公文标题"].font.size, Pt(22))
        self.assertEqual(east_asia_font(styles["公文一级标题"]), "黑体")
        self.assertEqual(east_asia_font(styles["公文二级标题"]), "楷体_GB2312")

    def test_it_uses_a_fixed_line_pitch_for_the_body(self):
        fmt = self.doc.styles["Normal"].paragraph_format
        self.assertAlmostEqual(fmt.line_spacing.pt, 28.95, delta=0.05)

    def test_it_numbers_the_headings_and_keeps_text_escaped(self):
        texts = [p.text for p in self.doc.paragraphs]
        for expected in (
            "一、项目概况",
            "（一）项目立项背景和依据",
            "（二）项目完成情况",
            "二、项目组织实施情况",
            "1.资金到位",
            "（1）资金使用",
            "2024年3月1日",
            "附表",
        ):
            self.assertIn(expected, texts)
        self.assertIn("2023年度部门预算安排财政资金698,000元 & 其他 <资金>。", texts)
        self.assertIn("控制字符被去掉。", texts)
        styles = {p.text: p.style.name for p in self.doc.paragraphs}
        self.assertEqual(styles["一、项目概况"], "公文一级标题")
        self.assertEqual(styles["（一）项目立项背景和依据"], "公文二级标题")

    def test_it_puts_page_numbers_in_dashes_on_odd_and_even_pages(self):
        section = self.doc.sections[0]
        self.assertTrue(self.doc.settings.odd_and_even_pages_header_footer)
        for footer in (section.footer, section.even_page_footer):
            xml = footer._element.xml
            self.assertIn("PAGE", xml)
            self.assertIn('w:fldCharType="begin"', xml)
            self.assertEqual(footer.paragraphs[0].text.replace("1", "N"), "— N —")
        self.assertEqual(section.footer.paragraphs[0].alignment, 2)  # right on odd pages
        self.assertEqual(section.even_page_footer.paragraphs[0].alignment, 0)  # left on even pages

    def test_it_merges_table_cells(self):
        table = self.doc.tables[0]
        self.assertEqual(len(table.columns), 5)
        self.assertIs(table.cell(1, 0)._tc, table.cell(2, 0)._tc)  # rowspan
        self.assertEqual(
            [c.text for c in table.rows[2].cells], ["产出指标", "质量指标", "考评覆盖率", "10", "10"]
        )
        self.assertEqual([c.text for c in table.rows[3].cells], ["总分", "总分", "总分", "100", "97"])


class GongwenPdfTestCase(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = gongwen.render_pdf(sample_document())
        cls.reader = PdfReader(io.BytesIO(cls.data))

    def text(self) -> str:
        return re.sub(r"\s+", "", "".join(page.extract_text() for page in self.reader.pages))

    def test_it_renders_the_chinese_headings_as_text(self):
        text = self.text()
        for expected in (
            "2023年度全面依法治市项目绩效自评报告",
            "一、项目概况",
            "（一）项目立项背景和依据",
            "698,000元",
            "控制字符被去掉。",
            "附表",
            "项目支出绩效自评表",
            "专家库专家人数",
        ):
            self.assertIn(expected, text)

    def test_it_prints_page_numbers(self):
        self.assertIn("—1—", self.text())

    def test_it_embeds_cjk_fonts(self):
        fonts = {}
        for page in self.reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = descendant["/FontDescriptor"].get_object()
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[str(font["/BaseFont"])] = embedded
        self.assertTrue(all(fonts.values()), fonts)
        names = " ".join(fonts)
        self.assertIn("Noto-Serif-CJK-SC", names)  # 仿宋/小标宋 stand-in
        self.assertIn("Noto-Sans-CJK-SC", names)  # 黑体 stand-in
        self.assertIn("UKai", names)  # 楷体 stand-in
        self.assertNotIn("DejaVu", names)  # a CJK glyph falling back would mean tofu

    def test_it_is_reported_embedded_by_pdffonts(self):
        if not shutil.which("pdffonts"):
            self.skipTest("poppler-utils 未安装")
        out = subprocess.run(["pdffonts", "-"], input=self.data, capture_output=True, check=False)
        if out.returncode != 0:  # older pdffonts cannot read stdin
            import tempfile

            with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
                f.write(self.data)
                f.flush()
                out = subprocess.run(["pdffonts", f.name], capture_output=True, check=True)
        rows = out.stdout.decode().splitlines()[2:]
        self.assertTrue(rows)
        for row in rows:
            self.assertRegex(row, r"\byes\s+yes\s+yes\b", row)  # emb sub uni
