"""Hostile Office files, crafted byte by byte so the tests stay small and fast.

- `far_cells_xlsx()`: a 1.5 KB workbook with one cell at A1 and one at
  XFD1048576 (calamine would allocate a 1,048,576 × 16,384 grid);
- `bomb_xlsx()` / `bomb_docx()`: a valid package whose main part inflates to
  1 GB (zeros, or text inside a shared string) from about 1 MB on disk; the
  declared size can be told to lie. The deflate stream is built from one
  16 MB block compressed once and repeated (a full flush resets the
  compressor, so every copy is the same bytes), so nothing large is ever held.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Sequence

GB = 1024**3
_BLOCK = 16 * 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCX_RELS = ROOT_RELS.replace("xl/workbook.xml", "word/document.xml")


def sheet_xml(cells: Sequence[tuple[str, str]], *, dimension: str = "A1") -> str:
    """A worksheet with inline-string cells at the given references, in order."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells:
        number = int("".join(ch for ch in ref if ch.isdigit()))
        rows.setdefault(number, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    body = "".join(f'<row r="{n}">{"".join(cs)}</row>' for n, cs in sorted(rows.items()))
    return f'{SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'


def xlsx(sheet: str, *, shared_strings: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr(
            "xl/sharedStrings.xml",
            shared_strings
            or '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0"/>',
        )
    return buffer.getvalue()


def far_cells_xlsx() -> bytes:
    """A tiny workbook whose used range is the whole grid: A1 and XFD1048576."""
    return xlsx(sheet_xml([("A1", "项目名称"), ("XFD1048576", "x")], dimension="A1:XFD1048576"))


def wide_xlsx(rows: int, cols: int) -> bytes:
    """A workbook whose last cell is at (rows, cols): over a row or column limit."""
    from openpyxl.utils import get_column_letter

    return xlsx(sheet_xml([("A1", "标题"), (f"{get_column_letter(cols)}{rows}", "x")]))


class RawMember:
    """A zip member given as a raw deflate stream (never held inflated)."""

    def __init__(self, name: str, raw: bytes, crc: int, size: int, declared: int | None = None) -> None:
        self.name, self.raw, self.crc, self.size = name, raw, crc, size
        self.declared = size if declared is None else declared


def _times(matrix: list[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """zlib's crc32_combine: the CRC of A + B from CRC(A), CRC(B) and len(B)."""
    if len2 == 0:
        return crc1
    odd = [0xEDB88320] + [1 << (n - 1) for n in range(1, 32)]
    even = _square(odd)
    odd = _square(even)
    while True:
        even = _square(odd)
        if len2 & 1:
            crc1 = _times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _square(even)
        if len2 & 1:
            crc1 = _times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def deflated(prefix: bytes, fill: bytes, total: int, suffix: bytes) -> tuple[bytes, int, int]:
    """(raw deflate, crc32, size) of prefix + fill repeated to `total` bytes + suffix."""
    block = (fill * (_BLOCK // len(fill) + 1))[:_BLOCK]
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    copies = total // _BLOCK
    tail = compressor.compress(suffix) + compressor.flush(zlib.Z_FINISH)
    block_crc = zlib.crc32(block)
    crc = zlib.crc32(prefix)
    for _ in range(copies):
        crc = crc32_combine(crc, block_crc, len(block))
    crc = zlib.crc32(suffix, crc)
    return head + body * copies + tail, crc & 0xFFFFFFFF, len(prefix) + copies * _BLOCK + len(suffix)


def zip_bytes(members: Sequence[tuple[str, bytes] | RawMember]) -> bytes:
    """A zip written by hand: plain members are deflated, RawMembers copied as given."""
    out = io.BytesIO()
    central = []
    for member in members:
        if isinstance(member, RawMember):
            name, raw, crc, declared = member.name, member.raw, member.crc, member.declared
        else:
            name, data = member
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            raw = compressor.compress(data) + compressor.flush()
            crc, declared = zlib.crc32(data) & 0xFFFFFFFF, len(data)
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0x800, 8, 0, 0x21, crc, len(raw), declared, len(encoded), 0
            )
        )
        out.write(encoded)
        out.write(raw)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0x800,
                8,
                0,
                0x21,
                crc,
                len(raw),
                declared,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


@functools.cache
def bomb_xlsx(*, size: int = GB, declared: int | None = None, text: bool = False) -> bytes:
    """An xlsx whose shared strings inflate to `size` bytes: zeros, or (text=True)
    one well-formed shared string of that length, which a reader would keep whole."""
    if text:
        raw, crc, total = deflated(
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
            b"a",
            size,
            b"</t></si></sst>",
        )
    else:
        raw, crc, total = deflated(b"", b"\0", size, b"")
    sheet = f'{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    return zip_bytes(
        [
            ("[Content_Types].xml", CONTENT_TYPES.encode()),
            ("_rels/.rels", ROOT_RELS.encode()),
            ("xl/workbook.xml", WORKBOOK.encode()),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.encode()),
            ("xl/worksheets/sheet1.xml", sheet.encode()),
            RawMember("xl/sharedStrings.xml", raw, crc, total, declared),
        ]
    )


@functools.cache
def bomb_docx(*, size: int = GB, declared: int | None = None) -> bytes:
    """A .docx whose word/document.xml inflates to `size` bytes of zeros."""
    raw, crc, total = deflated(b"", b"\0", size, b"")
    return zip_bytes(
        [
            ("[Content_Types].xml", DOCX_CONTENT_TYPES.encode()),
            ("_rels/.rels", DOCX_RELS.encode()),
            RawMember("word/document.xml", raw, crc, total, declared),
        ]
    )
