import io

from django.test import SimpleTestCase

from attachments.detection import Refused, sniff
from attachments.tests import samples


def kind_of(data: bytes, name: str) -> str:
    return sniff(io.BytesIO(data), name)[0].key


class DetectionTestCase(SimpleTestCase):
    def test_it_recognises_each_allowed_kind_by_content(self):
        cases = [
            (samples.PDF, "a.pdf", "pdf"),
            (samples.png(), "a.png", "png"),
            (samples.JPEG, "a.JPG", "jpeg"),
            (samples.JPEG, "a.jpeg", "jpeg"),
            (samples.GIF, "a.gif", "gif"),
            (samples.docx(), "a.docx", "docx"),
            (samples.xlsx(), "a.xlsx", "xlsx"),
            (samples.pptx(), "a.pptx", "pptx"),
            ("说明，第一行\n".encode(), "a.txt", "txt"),
            ("单位,得分\n蓬江区,95\n".encode("gbk"), "a.csv", "csv"),
        ]
        for data, name, expected in cases:
            with self.subTest(name=name):
                self.assertEqual(kind_of(data, name), expected)

    def test_it_refuses_a_renamed_executable_with_a_clear_message(self):
        for name in ("报告.pdf", "setup.exe", "图片.png", "readme.txt"):
            with self.subTest(name=name), self.assertRaises(Refused) as ctx:
                sniff(io.BytesIO(samples.EXE), name)
            self.assertIn("可执行程序", str(ctx.exception))
            self.assertIn("修改扩展名无效", str(ctx.exception))
        with self.assertRaisesMessage(Refused, "可执行程序"):
            sniff(io.BytesIO(samples.ELF), "a.pdf")

    def test_it_refuses_an_extension_that_disagrees_with_the_content(self):
        with self.assertRaisesMessage(Refused, "文件扩展名 .png 与文件内容（PDF 文档，应为 .pdf）不符"):
            sniff(io.BytesIO(samples.PDF), "scan.png")
        with self.assertRaisesMessage(Refused, "与文件内容（Excel 工作簿"):
            sniff(io.BytesIO(samples.xlsx()), "table.docx")

    def test_it_tells_office_kinds_apart_beyond_the_first_bytes(self):
        data = samples.ooxml(samples.PPTX_MAIN, "ppt/presentation.xml", padding=20_000)
        self.assertEqual(kind_of(data, "slides.pptx"), "pptx")

    def test_it_refuses_macro_documents_and_plain_archives(self):
        with self.assertRaisesMessage(Refused, "包含宏代码"):
            sniff(io.BytesIO(samples.ooxml(samples.DOCM_MAIN, "word/document.xml")), "a.docx")
        with self.assertRaisesMessage(Refused, "压缩包"):
            sniff(io.BytesIO(samples.plain_zip()), "a.zip")

    def test_it_accepts_text_only_as_utf8_or_gbk_without_nul_bytes(self):
        with self.assertRaisesMessage(Refused, "二进制内容"):
            sniff(io.BytesIO(b"abc\x00def"), "a.txt")
        with self.assertRaisesMessage(Refused, "只能以 .txt 或 .csv"):
            sniff(io.BytesIO(b"hello"), "a.html")
        with self.assertRaisesMessage(Refused, "无法识别"):
            sniff(io.BytesIO(bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) * 10), "a.txt")

    def test_it_reports_the_charset_of_text(self):
        self.assertEqual(sniff(io.BytesIO("中文".encode()), "a.txt")[1], "text/plain; charset=utf-8")
        self.assertEqual(sniff(io.BytesIO("中文".encode("gbk")), "a.csv")[1], "text/csv; charset=gbk")

    def test_it_refuses_an_empty_file(self):
        with self.assertRaisesMessage(Refused, "文件为空"):
            sniff(io.BytesIO(b""), "a.pdf")
