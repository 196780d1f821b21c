"""The one watermark of the system: who is looking, and when.

Every file the system generates for a person — PDF, xlsx, docx through
`documents.xlsx.file_response` — is stamped on its way out by
`WatermarkMiddleware` with the viewer's name, account and the time:

- PDF: a light diagonal text laid over every page (the overlay page is printed
  once per page size by WeasyPrint with the CJK fonts, then merged with pypdf);
- xlsx: the header of every sheet (printed on every page; openpyxl);
- docx: the header of every section, odd and even pages (python-docx).

Previews of uploaded attachments carry it too (attachments.views: an overlay on
images, a stamped copy of a PDF); uploaded files themselves are never changed.
`FAZHI_WATERMARK=0` (settings.WATERMARK) turns all of it off.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import escape

logger = logging.getLogger("fazhi.watermark")

PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class WatermarkFailed(Exception):
    """The file could not be stamped (e.g. a damaged PDF)."""


def enabled() -> bool:
    return bool(getattr(settings, "WATERMARK", True))


def text_for(user: Any, now: datetime.datetime | None = None) -> str:
    """ "张三（zhangsan） 2026-11-29 10:05": the viewer and the minute they got the file."""
    when = timezone.localtime(now or timezone.now())
    name = getattr(user, "display_name", "") or getattr(user, "username", "")
    username = getattr(user, "username", "")
    who = f"{name}（{username}）" if username and username != name else name
    return f"{who} {when:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------- PDF


@lru_cache(maxsize=32)
def _overlay_pdf(text: str, width: float, height: float) -> bytes:
    from weasyprint import HTML

    cells = max(6, int(width * height / (170 * 110)))
    spans = "".join(f"<span>{escape(text)}</span>" for _ in range(cells))
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        f"@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0; }}"
        "html, body { margin: 0; padding: 0; }"
        "body { display: flex; flex-wrap: wrap; justify-content: space-around; align-content: space-around;"
        f" width: {width:.2f}pt; height: {height:.2f}pt; overflow: hidden; }}"
        "span { transform: rotate(-30deg); color: rgba(120, 120, 120, 0.28); font-size: 11pt; white-space: nowrap;"
        " font-family: 'Noto Serif CJK SC', 'AR PL UMing CN', serif; padding: 28pt 12pt; }"
        f"</style></head><body>{spans}</body></html>"
    )
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def stamp_pdf(content: bytes, text: str) -> bytes:
    """The PDF with `text` laid over every page (pages of any size or rotation)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise WatermarkFailed("PDF 已加密，无法加盖水印")
        writer = PdfWriter(clone_from=reader)
        for page in writer.pages:
            page.transfer_rotation_to_content()
            box = page.mediabox
            width, height = float(box.width), float(box.height)
            overlay = PdfReader(io.BytesIO(_overlay_pdf(text, round(width, 2), round(height, 2)))).pages[0]
            if box.left or box.bottom:
                from pypdf import Transformation

                page.merge_transformed_page(
                    overlay, Transformation().translate(float(box.left), float(box.bottom))
                )
            else:
                page.merge_page(overlay)
        buffer = io.BytesIO()
        writer.write(buffer)
    except WatermarkFailed:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise WatermarkFailed(f"PDF 无法加盖水印（{type(exc).__name__}）") from exc
    return buffer.getvalue()


# --------------------------------------------------------------------------- xlsx / docx


_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# CT_Worksheet's elements that come after <headerFooter>, in schema order
_AFTER_HEADER_FOOTER = frozenset(
    f"{{{_SML}}}{name}"
    for name in (
        "rowBreaks",
        "colBreaks",
        "customProperties",
        "cellWatches",
        "ignoredErrors",
        "smartTags",
        "drawing",
        "legacyDrawing",
        "legacyDrawingHF",
        "drawingHF",
        "picture",
        "oleObjects",
        "controls",
        "webPublishItems",
        "tableParts",
        "extLst",
    )
)


def _stamp_sheet(xml: bytes, text: str) -> bytes:
    """One worksheet part with the viewer on the right of its page headers
    (odd, even and first pages), whatever else the headers say kept."""
    from lxml import etree
    from openpyxl.worksheet.header_footer import HeaderFooter

    # our own package, still read without entities or network
    root: Any = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    found = root.find(f"{{{_SML}}}headerFooter")
    header_footer: Any = HeaderFooter.from_tree(found) if found is not None else HeaderFooter()
    for header in (header_footer.oddHeader, header_footer.evenHeader, header_footer.firstHeader):
        header.right.text = text
        header.right.size = 8
        header.right.color = "808080"
    element: Any = header_footer.to_tree()
    for node in element.iter():  # openpyxl builds it without the sheet's namespace
        if not str(node.tag).startswith("{"):
            node.tag = f"{{{_SML}}}{node.tag}"
    if found is not None:
        root.replace(found, element)
    else:
        position = next((i for i, child in enumerate(root) if child.tag in _AFTER_HEADER_FOOTER), len(root))
        root.insert(position, element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def stamp_xlsx(content: bytes, text: str) -> bytes:
    """Every sheet's page header (odd, even and first pages) names the viewer.

    Only the worksheet parts are parsed and rewritten; every other part of the
    package is copied as it is (loading and saving the whole workbook with
    openpyxl cost as much as writing it, and far more for a large export)."""
    import zipfile

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if _SHEET_PART.match(info.filename):
                data = _stamp_sheet(data, text)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def stamp_docx(content: bytes, text: str) -> bytes:
    """Every section's header (odd and even pages) names the viewer."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    document = docx.Document(io.BytesIO(content))
    for section in document.sections:
        headers = [section.header]
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        for header in headers:
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            paragraph.text = ""
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(text)
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


STAMPERS: dict[str, Callable[[bytes, str], bytes]] = {
    PDF_MIME: stamp_pdf,
    XLSX_MIME: stamp_xlsx,
    DOCX_MIME: stamp_docx,
}


def cli_text(now: datetime.datetime | None = None) -> str:
    """The watermark of a file written by the `fazhi` command: the operating-system account."""
    import getpass

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "未知用户"
    return f"{who}（命令行） {timezone.localtime(now or timezone.now()):%Y-%m-%d %H:%M}"


def mime_for(filename: str) -> str:
    """The type of a file name the watermark applies to, or "" (zip packages and the like)."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    return {"pdf": PDF_MIME, "xlsx": XLSX_MIME, "docx": DOCX_MIME}.get(suffix, "")


def stamp(content: bytes, content_type: str, text: str) -> bytes:
    """`content` with the watermark for its type; other types are returned unchanged."""
    stamper = STAMPERS.get(content_type.split(";", 1)[0].strip().lower())
    return stamper(content, text) if stamper else content


def mark_for_watermark(response: HttpResponse) -> HttpResponse:
    """Flag an exported file so the middleware stamps it for the person who gets it."""
    response.fazhi_watermark = True  # type: ignore[attr-defined]
    return response


class WatermarkMiddleware:
    """Stamps every flagged export (documents.xlsx.file_response) with the viewer
    and the time; after authentication, so the viewer is known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            getattr(response, "fazhi_watermark", False)
            and enabled()
            and user is not None
            and user.is_authenticated
            and not getattr(response, "streaming", False)
        ):
            try:
                response.content = stamp(response.content, response.get("Content-Type", ""), text_for(user))
            except Exception:  # a generated file that cannot be stamped is a bug: never hand it out unmarked
                logger.exception("could not watermark %s", request.path)
                return HttpResponse(
                    "文件加盖水印失败，未能导出。请联系系统管理员。",
                    status=500,
                    content_type="text/plain; charset=utf-8",
                )
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
