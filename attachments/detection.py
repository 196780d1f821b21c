"""What an uploaded file really is, judged by its bytes, not its name.

Pure Python (no Django): `sniff(fileobj, filename)` returns the allowed `Kind`
or raises `Refused` with a message in Chinese. The extension must agree with the
content, so a renamed executable or a PDF called `.png` is refused.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import filetype

from documents import ooxml

HEAD_BYTES = 8192
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    mime: str
    extensions: tuple[str, ...]
    previewable: bool = False

    @property
    def extension(self) -> str:
        return self.extensions[0]


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("pdf", "PDF 文档", "application/pdf", ("pdf",), previewable=True),
        Kind("png", "PNG 图片", "image/png", ("png",), previewable=True),
        Kind("jpeg", "JPEG 图片", "image/jpeg", ("jpg", "jpeg"), previewable=True),
        Kind("gif", "GIF 图片", "image/gif", ("gif",), previewable=True),
        Kind("webp", "WebP 图片", "image/webp", ("webp",), previewable=True),
        Kind(
            "docx",
            "Word 文档",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        Kind(
            "xlsx",
            "Excel 工作簿",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        Kind(
            "pptx",
            "PowerPoint 演示文稿",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        Kind("txt", "文本文件", "text/plain; charset={charset}", ("txt",)),
        Kind("csv", "CSV 表格", "text/csv; charset={charset}", ("csv",)),
    )
}

# filetype's name for a detected type -> our kind
_BINARY = {"pdf": "pdf", "png": "png", "apng": "png", "jpg": "jpeg", "gif": "gif", "webp": "webp"}
_EXECUTABLE = {"exe", "elf", "dll", "msi", "wasm", "crx", "deb", "rpm", "swf", "nes", "cab", "dex", "class"}
_ARCHIVE = {"zip", "rar", "7z", "gz", "bz2", "xz", "tar", "zst", "lz", "lz4", "Z", "br", "ar", "lzo"}
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_TEXT_ENCODINGS = ("utf-8-sig", "gbk")
# The upload size itself is limited by FAZHI_UPLOAD_MAX_MB; only the contents are bounded here.
_UPLOAD_PACKAGE = ooxml.PackageLimits(max_bytes=1 << 40)

ALLOWED_DESCRIPTION = "PDF、图片（PNG/JPEG/GIF/WebP）、Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）、文本（.txt/.csv，UTF-8 或 GBK 编码）"


class Refused(ValueError):
    """The file is not accepted; `str(exc)` is the message for the user."""


def extension_of(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(fileobj: BinaryIO, filename: str) -> tuple[Kind, str]:
    """Return (kind, content type) of an allowed file or raise Refused.

    Reads the file from the start and leaves it rewound."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if not head:
        raise Refused("文件为空，请选择有内容的文件。")
    guess = filetype.guess(head)
    detected = guess.extension if guess else None
    if detected is None:
        kind, charset = _text_kind(fileobj, filename)
        return _agree(kind, filename), kind.mime.format(charset=charset)
    if detected in ("zip", "docx", "xlsx", "pptx"):
        kind = _ooxml_kind(fileobj, filename)
    elif detected in _BINARY:
        kind = KINDS[_BINARY[detected]]
    elif detected in _EXECUTABLE:
        raise Refused(
            f"「{filename}」实际是可执行程序（{detected}），出于安全原因不允许上传。"
            "系统按文件内容识别类型，修改扩展名无效。"
        )
    elif detected in _ARCHIVE:
        raise Refused(f"「{filename}」是压缩包（{detected}），不允许上传，请解压后上传其中的文件。")
    else:
        raise Refused(
            f"不支持的文件类型：「{filename}」的内容为 {detected}。允许的类型：{ALLOWED_DESCRIPTION}。"
        )
    return _agree(kind, filename), kind.mime


def _agree(kind: Kind, filename: str) -> Kind:
    ext = extension_of(filename)
    if ext not in kind.extensions:
        shown = f".{ext}" if ext else "（无扩展名）"
        raise Refused(
            f"文件扩展名 {shown} 与文件内容（{kind.label}，应为 .{kind.extension}）不符，"
            "请确认文件后重新上传。"
        )
    return kind


def _ooxml_kind(fileobj: BinaryIO, filename: str) -> Kind:
    """Tell docx/xlsx/pptx apart by the package's declared main part, not the first bytes."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise Refused(f"「{filename}」是普通压缩包（zip），不允许上传，请解压后上传其中的文件。")
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                raise Refused(f"「{filename}」不是有效的 Office 文档。")
            content_types = archive.read(info).decode("utf-8", "replace")
    except zipfile.BadZipFile:
        raise Refused(f"「{filename}」已损坏，无法作为 Office 文档或压缩包读取。") from None
    finally:
        fileobj.seek(0)
    if "macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise Refused(
            f"「{filename}」包含宏代码，出于安全原因不允许上传，请另存为不含宏的文档（.docx/.xlsx/.pptx）。"
        )
    found = {key for mime, key in _OOXML_MAIN.items() if mime in content_types}
    if len(found) != 1:
        raise Refused(f"「{filename}」不是受支持的 Office 文档（仅支持 .docx、.xlsx、.pptx）。")
    try:  # a zip bomb passes the look above; inflate every member within bounds
        ooxml.inspect_package(fileobj, limits=_UPLOAD_PACKAGE)
    except ooxml.FileRefused as exc:
        raise Refused(f"「{filename}」{exc.message}") from None
    finally:
        fileobj.seek(0)
    return KINDS[found.pop()]


def _text_kind(fileobj: BinaryIO, filename: str) -> tuple[Kind, str]:
    """Plain text is accepted only as .txt/.csv that decodes as UTF-8 or GBK and has no NUL bytes."""
    ext = extension_of(filename)
    decoders = {enc: codecs.getincrementaldecoder(enc)() for enc in _TEXT_ENCODINGS}
    try:
        while chunk := fileobj.read(CHUNK):
            if b"\x00" in chunk:
                raise Refused(
                    f"无法识别「{filename}」的文件类型（二进制内容）。允许的类型：{ALLOWED_DESCRIPTION}。"
                )
            for enc in list(decoders):
                try:
                    decoders[enc].decode(chunk)
                except UnicodeDecodeError:
                    del decoders[enc]
            if not decoders:
                break
        for enc in list(decoders):
            try:
                decoders[enc].decode(b"", final=True)
            except UnicodeDecodeError:
                del decoders[enc]
    finally:
        fileobj.seek(0)
    if not decoders:
        raise Refused(
            f"无法识别「{filename}」的文件类型：既不是受支持的文档或图片，也不是 UTF-8/GBK 编码的文本。"
            f"允许的类型：{ALLOWED_DESCRIPTION}。"
        )
    if ext not in ("txt", "csv"):
        raise Refused(f"「{filename}」的内容是纯文本，只能以 .txt 或 .csv 扩展名上传。")
    charset = "utf-8" if "utf-8-sig" in decoders else "gbk"
    return KINDS[ext], charset
