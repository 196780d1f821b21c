"""Small real files of each kind, built in memory for tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def _pdf() -> bytes:
    """One blank 200 × 200 pt page, with the cross-reference table readers expect."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _pdf()
# A PDF that browsers show but that has no cross-reference table (PDF readers must repair it).
PDF_WITHOUT_XREF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode."
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100


def docx() -> bytes:
    import docx as python_docx

    buffer = io.BytesIO()
    document = python_docx.Document()
    document.add_paragraph("佐证材料")
    document.save(buffer)
    return buffer.getvalue()


def xlsx(rows: list[list[object]] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    for row in rows or [["a", 1]]:
        sheet.append(row)  # type: ignore[union-attr]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ooxml(
    main_type: str, main_part: str, *, padding: int = 0, extra: dict[str, bytes] | None = None
) -> bytes:
    """A minimal Office package; `padding` puts a large part first so the main part is beyond 8 KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        if padding:
            z.writestr("docProps/thumbnail.bin", b"\x01" * padding)
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>',
        )
        z.writestr(main_part, "<x/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pptx() -> bytes:
    return ooxml(PPTX_MAIN, "ppt/presentation.xml")


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.txt", "hello")
    return buffer.getvalue()
