"""Opening untrusted Office files (xlsx, docx) within fixed bounds.

An xlsx or a docx is a zip of XML parts, and a hostile one is small on disk and
huge once opened: a member that inflates to gigabytes (a zip bomb, whose
declared sizes may lie), or a sheet with one cell at A1 and one at XFD1048576,
for which calamine allocates a 1,048,576 × 16,384 grid and aborts the process.

`inspect_package` reads the zip's central directory with a cap on the member
count, then inflates every member itself (never trusting the declared sizes: a
member that inflates past its declared size, past the caps or at an absurd
ratio is refused as soon as it does). `open_workbook_bounded` does the same
and streams each XML part of a workbook through expat to find the real extent
of its cells and merged ranges (the <dimension> element is ignored, it can lie
too); only a workbook within the row, column and cell limits reaches calamine
or openpyxl. Every refusal is a `FileRefused` with a Chinese message for the
person who uploaded the file. No Django import: the pure importers use it.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from xml.parsers import expat

if TYPE_CHECKING:
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

MB = 1024 * 1024
Source = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes]

_CHUNK = 64 * 1024
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_LOCAL_HEADER = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,7})\$?([0-9]{1,12})$")


class FileRefused(ValueError):
    """An Office file that is not opened; `message` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PackageLimits:
    """Bounds on the zip container. The defaults fit every honest xlsx/docx the
    office works with by a wide margin (a 10,000-row sheet inflates to ~5 MB)."""

    max_bytes: int = 64 * MB  # the file itself
    max_members: int = 2000
    max_member_size: int = 128 * MB  # one member, inflated
    max_total_size: int = 256 * MB  # all members, inflated
    max_ratio: int = 100  # inflated / compressed, checked once a member passes ratio_grace
    ratio_grace: int = 1 * MB


WORKBOOK_PACKAGE = PackageLimits(max_bytes=32 * MB, max_member_size=64 * MB, max_total_size=128 * MB)


# ------------------------------------------------------------------ the zip


def _open_source(source: Source, max_bytes: int) -> tuple[IO[bytes], bool]:
    """A seekable binary file for `source`, and whether we opened it (and close it)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        fileobj: IO[bytes] = io.BytesIO(bytes(source))
        owned = True
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            if not path.is_file():
                raise FileRefused(f"找不到文件或不是普通文件：{path}")
            fileobj = path.open("rb")
        except OSError as exc:
            raise FileRefused(f"无法读取文件 {path}：{exc.strerror or exc}") from None
        owned = True
    else:
        fileobj, owned = source, False
    size = fileobj.seek(0, io.SEEK_END)
    fileobj.seek(0)
    if size == 0 or size > max_bytes:
        if owned:
            fileobj.close()
        if size == 0:
            raise FileRefused("文件是空的。")
        raise FileRefused(f"文件过大（{size / MB:.1f} MB），不应超过 {max_bytes // MB} MB。")
    return fileobj, owned


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def _central_directory_check(fileobj: IO[bytes], limits: PackageLimits, label: str) -> None:
    """Refuse an oversized or ZIP64 central directory before zipfile builds one
    object per entry (a 20 MB file can declare hundreds of thousands)."""
    size = fileobj.seek(0, io.SEEK_END)
    tail_start = max(0, size - (22 + 65535))
    fileobj.seek(tail_start)
    tail = fileobj.read()
    fileobj.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise FileRefused(f"无法读取该文件：文件已损坏或不完整，不是有效的{label}。")
    _, _, _, _, entries, cd_size, _, _ = struct.unpack("<4s4H2LH", tail[at : at + 22])
    if at >= 20 and tail[at - 20 : at - 16] == _EOCD64_LOCATOR:
        raise FileRefused("文件使用了 ZIP64 格式，不是正常的 Office 文档，已拒绝。")
    if entries > limits.max_members or cd_size > limits.max_members * 1200:
        raise FileRefused(
            f"文件包含的部件过多（{entries} 个），正常的 Office 文档不超过 {limits.max_members} 个，已拒绝。"
        )


class _Inflated:
    """Running totals while the members of one package are inflated."""

    def __init__(self, limits: PackageLimits) -> None:
        self.limits = limits
        self.total = 0


def _inflate(
    fileobj: IO[bytes],
    info: zipfile.ZipInfo,
    file_size: int,
    totals: _Inflated,
    sink: Callable[[bytes], None] | None,
) -> None:
    """Inflate one member from its raw bytes, checking every bound as it goes."""
    fileobj.seek(_member_start(fileobj, info, file_size))
    meter = _Meter(info, totals, sink)
    chunks = _raw_chunks(fileobj, info)
    if info.compress_type == zipfile.ZIP_DEFLATED:
        _inflate_deflated(chunks, meter)
    else:
        consumed = 0
        for chunk in chunks:
            consumed += len(chunk)
            meter.take(chunk, consumed)
    meter.finish()


def _member_start(fileobj: IO[bytes], info: zipfile.ZipInfo, file_size: int) -> int:
    """Where a member's data starts, from its local header; refused when outside the file."""
    name = info.filename
    fileobj.seek(info.header_offset)
    header = fileobj.read(30)
    if len(header) < 30 or header[:4] != _LOCAL_HEADER:
        raise FileRefused(f"文件已损坏：部件「{name}」的位置不正确。")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    if start + info.compress_size > file_size:
        raise FileRefused(f"文件已损坏或不完整：部件「{name}」超出了文件末尾。")
    return start


def _raw_chunks(fileobj: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's compressed bytes, a chunk at a time; refused when cut short."""
    remaining = info.compress_size
    while remaining > 0:
        chunk = fileobj.read(min(_CHUNK, remaining))
        if not chunk:
            raise FileRefused(f"文件已损坏或不完整：部件「{info.filename}」被截断。")
        remaining -= len(chunk)
        yield chunk


class _Meter:
    """What one member has inflated to so far, refused as soon as a bound is passed."""

    def __init__(
        self, info: zipfile.ZipInfo, totals: _Inflated, sink: Callable[[bytes], None] | None
    ) -> None:
        self.info = info
        self.totals = totals
        self.sink = sink
        self.produced = 0
        self.crc = 0

    def take(self, out: bytes, read_so_far: int) -> None:
        limits, name = self.totals.limits, self.info.filename
        self.produced += len(out)
        self.totals.total += len(out)
        if self.produced > self.info.file_size:
            raise FileRefused(
                f"部件「{name}」解压后的实际大小超过了它声明的大小（{_size(self.info.file_size)}），"
                "文件被篡改或是压缩炸弹，已拒绝。"
            )
        if self.produced > limits.ratio_grace and self.produced > limits.max_ratio * max(read_so_far, 1):
            raise FileRefused(
                f"部件「{name}」的压缩比异常（超过 {limits.max_ratio} 倍），可能是压缩炸弹，已拒绝。"
            )
        if self.totals.total > limits.max_total_size:
            raise FileRefused(f"文件解压后超过 {_size(limits.max_total_size)}，可能是压缩炸弹，已拒绝。")
        self.crc = zlib.crc32(out, self.crc)
        if self.sink is not None and out:
            self.sink(out)

    def finish(self) -> None:
        if self.produced != self.info.file_size or (self.crc & 0xFFFFFFFF) != self.info.CRC:
            raise FileRefused(f"文件已损坏：部件「{self.info.filename}」的内容与校验值不符。")


def _inflate_deflated(chunks: Iterator[bytes], meter: _Meter) -> None:
    """Deflate data inflated at most _CHUNK bytes at a time, so a bomb is caught early."""
    name = meter.info.filename
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    consumed = 0
    for chunk in chunks:
        buffer = chunk
        while True:
            try:
                out = inflater.decompress(buffer, _CHUNK)
            except zlib.error:
                raise FileRefused(f"文件已损坏：部件「{name}」无法解压。") from None
            consumed += len(buffer) - len(inflater.unconsumed_tail)
            meter.take(out, consumed)
            buffer = inflater.unconsumed_tail
            if inflater.eof or (not buffer and len(out) < _CHUNK):
                break
        if inflater.eof:
            break
    if not inflater.eof:
        raise FileRefused(f"文件已损坏或不完整：部件「{name}」的压缩数据不完整。")


def _members(
    fileobj: IO[bytes], limits: PackageLimits, label: str
) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    _central_directory_check(fileobj, limits, label)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRefused(f"无法读取该文件：文件已损坏，不是有效的{label}。") from None
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise FileRefused(
            f"文件包含的部件过多（{len(infos)} 个），正常的 Office 文档不超过 {limits.max_members} 个，已拒绝。"
        )
    declared = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise FileRefused("文件已加密（设置了打开密码），请取消密码后重新上传。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileRefused(f"部件「{info.filename}」使用了 Office 不使用的压缩方式，已拒绝。")
        if info.file_size > limits.max_member_size:
            raise FileRefused(
                f"部件「{info.filename}」解压后有 {_size(info.file_size)}，超过 {_size(limits.max_member_size)}"
                "的上限，可能是压缩炸弹，已拒绝。"
            )
        declared += info.file_size
        if declared > limits.max_total_size:
            raise FileRefused(f"文件解压后超过 {_size(limits.max_total_size)}，可能是压缩炸弹，已拒绝。")
    return archive, infos


def _check_package(
    fileobj: IO[bytes],
    limits: PackageLimits,
    scanner_for: Callable[[zipfile.ZipInfo], Callable[[bytes], None] | None] | None = None,
    label: str = " Office 文档",
) -> None:
    file_size = fileobj.seek(0, io.SEEK_END)
    archive, infos = _members(fileobj, limits, label)
    totals = _Inflated(limits)
    try:
        for info in infos:
            if info.is_dir():
                continue
            _inflate(fileobj, info, file_size, totals, scanner_for(info) if scanner_for else None)
    finally:
        archive.close()
        fileobj.seek(0)


def inspect_package(source: Source, *, limits: PackageLimits = PackageLimits()) -> None:
    """Refuse (FileRefused) an Office package (docx, xlsx, pptx) that is not a
    sane zip: too many members, a member or the whole that inflates past the
    caps, a member whose real size differs from the declared one, an absurd
    compression ratio, encryption or an unknown compression method."""
    fileobj, owned = _open_source(source, limits.max_bytes)
    try:
        _check_package(fileobj, limits)
    finally:
        if owned:
            fileobj.close()


# ------------------------------------------------------------- worksheets


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class SheetExtent:
    part: str
    rows: int = 0  # the last row holding a value (or covered by a merged range)
    cols: int = 0
    elements: int = 0  # rows, cells, shared strings and merged cells openpyxl would build


@dataclass(frozen=True)
class WorkbookLimits:
    max_rows: int
    max_cols: int
    max_cells: int


class _XmlScanner:
    """Streams one XML part of a workbook through expat and stops at the first
    cell, merged range or element count beyond the limits."""

    def __init__(self, part: str, limits: WorkbookLimits, book: _BookTotals) -> None:
        self.extent = SheetExtent(part)
        self.limits = limits
        self.book = book
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int] | None = None
        self.is_xml: bool | None = None  # decided on the first bytes
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartElementHandler = self.start
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.entity

    def doctype(self, *args: Any) -> None:
        raise FileRefused(
            f"文件中的「{self.extent.part}」含有 DOCTYPE 声明，不是正常的 Office 文档，已拒绝。"
        )

    def entity(self, *args: Any) -> None:
        raise FileRefused(f"文件中的「{self.extent.part}」含有实体声明，不是正常的 Office 文档，已拒绝。")

    def feed(self, data: bytes) -> None:
        if self.is_xml is None:
            head = data.lstrip(b" \t\r\n")
            self.is_xml = head.startswith((b"<", b"\xef\xbb\xbf<", b"\xff\xfe", b"\xfe\xff")) or (
                self.extent.part.lower().endswith((".xml", ".rels", ".vml"))
            )
        if not self.is_xml:
            return
        try:
            self.parser.Parse(data, False)
        except expat.ExpatError:
            raise FileRefused(f"文件已损坏：「{self.extent.part}」不是合法的 XML。") from None

    def close(self) -> None:
        if not self.is_xml:
            return
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError:
            raise FileRefused(f"文件已损坏：「{self.extent.part}」不是合法的 XML。") from None

    def count(self, n: int = 1) -> None:
        self.extent.elements += n
        self.book.elements += n
        if self.book.elements > self.limits.max_cells:
            raise FileRefused(
                f"表格过大：单元格超过 {self.limits.max_cells:,} 个，请删除多余的行、列或工作表后重新导入。"
            )

    def reach(self, row: int, col: int) -> None:
        limits = self.limits
        if row > limits.max_rows or col > limits.max_cols:
            where = f"{_column_letters(col)}{row}"
            raise FileRefused(
                f"表格的使用范围过大：单元格 {where} 超出了允许的范围（最多 {limits.max_rows:,} 行、"
                f"{limits.max_cols} 列）。请删除多余的行和列（包括看似空白但有内容的单元格）后重新导入。"
            )
        extent = self.extent
        if row > extent.rows or col > extent.cols:
            before = extent.rows * extent.cols
            extent.rows, extent.cols = max(extent.rows, row), max(extent.cols, col)
            self.book.area += extent.rows * extent.cols - before
            if self.book.area > limits.max_cells:
                raise FileRefused(
                    f"表格过大：使用范围超过 {limits.max_cells:,} 个单元格，请删除多余的行和列后重新导入。"
                )

    def _ref(self, ref: str) -> tuple[int, int]:
        match = _CELL_REF.match(ref)
        if not match:
            raise FileRefused(f"文件已损坏：「{self.extent.part}」中的单元格位置「{ref[:20]}」无效。")
        return int(match.group(2)), _column_number(match.group(1))

    def start(self, name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition("}")
        if ns not in _SPREADSHEET_NS:
            return
        if local == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
            self.cell = None
            self.count()
        elif local == "c":
            ref = attrs.get("r")
            if ref:
                row, self.col = self._ref(ref)
            else:
                row, self.col = self.row, self.col + 1
            self.cell = (row, self.col)
            self.count()
        elif local in ("v", "is", "f") and self.cell is not None:
            self.reach(*self.cell)
            self.cell = None
        elif local == "mergeCell":
            first, _, last = (attrs.get("ref") or "").partition(":")
            (r0, c0), (r1, c1) = self._ref(first), self._ref(last or first)
            self.reach(max(r0, r1), max(c0, c1))
            self.count((abs(r1 - r0) + 1) * (abs(c1 - c0) + 1))
        elif local == "si":
            self.count()


@dataclass
class _BookTotals:
    elements: int = 0
    area: int = 0


@dataclass
class BoundedWorkbook:
    """A workbook that passed every check; `rows`/`cols` bound the cells with a
    value on any sheet, so a reader may iterate exactly that far."""

    data: bytes
    rows: int
    cols: int
    sheets: list[SheetExtent]

    def calamine(self) -> CalamineWorkbook:
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_filelike(io.BytesIO(self.data))

    def openpyxl(self, *, read_only: bool = False) -> Workbook:
        """openpyxl with values only; in read-only mode the sheets' <dimension>
        (unchecked, it may claim the whole grid) is dropped, so iterate with
        max_row=self.rows, max_col=self.cols."""
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(self.data), read_only=read_only, data_only=True)
        if read_only:
            for sheet in workbook.worksheets:
                sheet.reset_dimensions()  # type: ignore[union-attr]
        return workbook


def open_workbook_bounded(
    source: Source,
    *,
    max_rows: int,
    max_cols: int,
    max_cells: int = 1_000_000,
    limits: PackageLimits = WORKBOOK_PACKAGE,
) -> BoundedWorkbook:
    """Check an untrusted .xlsx completely, then return it for calamine/openpyxl.

    Refuses (FileRefused, with a Chinese message) a file that is not an xlsx
    (an old .xls included: its binary format cannot be checked the same way),
    every package problem of `inspect_package`, DOCTYPE/entity declarations,
    malformed XML, and any sheet whose cells with a value or merged ranges
    reach beyond `max_rows` × `max_cols`, or whose rows, cells, shared strings
    and merged cells add up to more than `max_cells`. Time and memory are
    bounded by the limits, whatever the file claims about itself."""
    fileobj, owned = _open_source(source, limits.max_bytes)
    try:
        head = fileobj.read(8)
        fileobj.seek(0)
        if head.startswith(_OLE2):
            raise FileRefused(
                "暂不支持旧版 .xls（Excel 97-2003）格式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入。"
            )
        if not head.startswith(_LOCAL_HEADER):
            raise FileRefused("无法读取文件：这不是 Excel 工作簿（.xlsx），请上传 .xlsx 格式的文件。")
        workbook_limits = WorkbookLimits(max_rows, max_cols, max_cells)
        totals = _BookTotals()
        scanners: list[_XmlScanner] = []

        def scanner_for(info: zipfile.ZipInfo) -> Callable[[bytes], None]:
            # Parts are found through the relationships, under any name: decide
            # by the content too, so a sheet saved as "sheet1.bin" is scanned.
            scanner = _XmlScanner(info.filename, workbook_limits, totals)
            scanners.append(scanner)
            return scanner.feed

        _check_package(fileobj, limits, scanner_for, " Excel 工作簿（.xlsx）")
        for scanner in scanners:
            scanner.close()
        scanners = [s for s in scanners if s.is_xml]
        data = fileobj.read()
    finally:
        if owned:
            fileobj.close()
    sheets = [s.extent for s in scanners if s.extent.elements]
    return BoundedWorkbook(
        data=data,
        rows=max((s.rows for s in sheets), default=0),
        cols=max((s.cols for s in sheets), default=0),
        sheets=sheets,
    )
