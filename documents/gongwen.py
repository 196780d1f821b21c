"""Official documents in 党政机关公文格式 (GB/T 9704-2012), as docx and as PDF.

One small document model (title, doc number, sections with headings, paragraphs,
tables, signature and date, attachments such as 附表) is rendered two ways:

- docx: a lean WordprocessingML package written directly. Building it through
  python-docx's default template would carry ~800 KB of unused styles into every
  file and cost a parse per document; the package here is ~10 KB of parts built
  once (styles, footers, font table, settings) plus `document.xml` generated as
  text. python-docx reads the result back in the tests.
- PDF: the same blocks through an HTML template printed by WeasyPrint, with the
  open CJK fonts installed from Debian (fonts-noto-cjk, fonts-arphic-ukai).

Layout (GB/T 9704-2012 §5): A4; margins 37 mm top, 35 mm bottom, 28 mm left,
26 mm right (版心 156 × 225 mm); body 3号 (16 pt) 仿宋_GB2312, 22 lines a page
(fixed 28.95 pt line pitch); title 2号 方正小标宋简体; 结构层次 一、黑体 /
（一）楷体_GB2312 / 1. 仿宋 bold / （1）仿宋; page numbers 4号 半角宋体 "— N —",
odd pages right and even pages left, one character in from the edge of the 版心.
The docx names the 公文 fonts through w:eastAsia so Word and WPS on the office's
machines use them; the font table gives each a GB2312 charset and a fallback name.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"

# Font names as the office's machines know them, and the open fonts the PDF uses.
FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_SONG = "宋体"
FONT_LATIN = "Times New Roman"

PT_BODY = 16  # 三号
PT_TITLE = 22  # 二号
PT_PAGE_NUMBER = 14  # 四号
PT_TABLE = 10.5  # 五号
LINE_PITCH_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm 版心

TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm


# --------------------------------------------------------------------- model


@dataclass
class Heading:
    """A 结构层次序数 heading; `numbered` prefixes 一、/（一）/1./（1） automatically."""

    text: str
    level: int = 1
    numbered: bool = True
    kind = "heading"


@dataclass
class Paragraph:
    text: str
    indent: bool = True  # first-line indent of two characters
    align: str = "justify"  # justify | left | center | right
    bold: bool = False
    kind = "paragraph"


@dataclass
class Cell:
    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    align: str = "center"  # center | left | right
    bold: bool = False


CellLike = Cell | str | int | float | None


@dataclass
class Table:
    """Rows of cells with HTML semantics: a cell spanning rows or columns is
    written once, and the positions it covers are left out of later rows."""

    rows: list[list[CellLike]]
    widths: Sequence[float] = ()  # relative column widths; equal when empty
    header_rows: int = 1  # repeated on every page; set in 黑体
    font_size: float = PT_TABLE
    caption: str = ""
    kind = "table"

    def column_count(self) -> int:
        return max((sum(_cell(c).colspan for c in self.rows[0]),) if self.rows else (0,))


@dataclass
class PageBreak:
    kind = "pagebreak"


Block = Heading | Paragraph | Table | PageBreak


@dataclass
class Attachment:
    """附件 / 附表: starts on a new page with its label (黑体) and its title."""

    label: str  # "附表" or "附件1"
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str = ""  # below the title, 楷体: "（2023年度）"
    doc_number: str = ""  # 发文字号 above the title: "江司〔2024〕1号"
    # 发文机关标志 (红头): set, the document opens with it in red and a red
    # separator line under the 发文字号, as the office's 印发通知 do
    issuer_mark: str = ""
    recipient: str = ""  # 主送机关: "市财政局："
    signature: str = ""  # 发文机关署名
    date: datetime.date | str | None = None  # 成文日期
    attachments: list[Attachment] = field(default_factory=list)
    author: str = "fazhi"


def _cell(value: CellLike) -> Cell:
    if isinstance(value, Cell):
        return value
    return Cell("" if value is None else str(value))


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Drop control characters: XML cannot hold them and a PDF would print them as garbage."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


# --------------------------------------------------------- numbering helpers

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (enough for section numbers)."""
    if n < 0 or n >= 100:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


def heading_prefix(level: int, n: int) -> str:
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def format_date(value: datetime.date | str | None) -> str:
    """成文日期 in Arabic numerals without leading zeros (GB/T 9704-2012 §7.3.5.3)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    return f"{value.year}年{value.month}月{value.day}日"


def numbered_blocks(blocks: Iterable[Block]) -> Iterator[Block]:
    """The blocks with heading numbers filled in; a heading restarts the counters below it."""
    counters = [0, 0, 0, 0, 0]
    for block in blocks:
        if isinstance(block, Heading) and block.numbered:
            level = min(max(block.level, 1), 4)
            counters[level] += 1
            for deeper in range(level + 1, len(counters)):
                counters[deeper] = 0
            yield Heading(
                heading_prefix(level, counters[level]) + clean_text(block.text), level, numbered=False
            )
        elif isinstance(block, (Heading, Paragraph)):
            cleaned = clean_text(block.text)
            yield block if cleaned is block.text else replace(block, text=cleaned)
        else:
            yield block


def text_paragraphs(text: str, **kwargs: object) -> list[Paragraph]:
    """Split text on line breaks into body paragraphs, dropping blank lines."""
    return [Paragraph(line.strip(), **kwargs) for line in (text or "").splitlines() if line.strip()]  # type: ignore[arg-type]


# ------------------------------------------------------------ docx: package

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_NEEDS_ESCAPE = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def _esc(text: str) -> str:
    """Escape markup and drop the control characters XML cannot hold; most text needs neither."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return _CONTROL.sub("", text)


def _twips_mm(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _fonts(east_asia: str, latin: str | None = None) -> str:
    latin = latin or east_asia
    return (
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" '
        f'w:cs="{latin}" w:hint="eastAsia"/>'
    )


def _size(pt: float) -> str:
    half = round(pt * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _style(
    style_id: str,
    name: str,
    *,
    ppr: str = "",
    rpr: str = "",
    based_on: str = "Normal",
    next_style: str = "GwBody",
) -> str:
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f'<w:basedOn w:val="{based_on}"/><w:next w:val="{next_style}"/><w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


_EXACT = f'<w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH_TWIPS}" w:lineRule="exact"/>'
_INDENT2 = f'<w:ind w:firstLineChars="200" w:firstLine="{PT_BODY * 2 * 20}"/>'

STYLES_XML = (
    _XML_DECL + f'<w:styles xmlns:w="{W_NS}">'
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    + _fonts(FONT_BODY, FONT_LATIN)
    + '<w:kern w:val="2"/>'
    + _size(PT_BODY)
    + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>" + _EXACT + "</w:pPr></w:pPrDefault></w:docDefaults>"
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
    '<w:pPr><w:widowControl w:val="0"/>' + _EXACT + '<w:jc w:val="both"/></w:pPr>'
    "<w:rPr>" + _fonts(FONT_BODY, FONT_LATIN) + _size(PT_BODY) + "</w:rPr></w:style>"
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
    '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    + _style("GwBody", "公文正文", ppr=_INDENT2)
    + _style(
        "GwTitle",
        "公文标题",
        ppr='<w:spacing w:before="0" w:after="0" w:line="700" w:lineRule="exact"/>'
        '<w:jc w:val="center"/><w:outlineLvl w:val="0"/>',
        rpr=_fonts(FONT_TITLE) + _size(PT_TITLE),
    )
    + _style("GwSubtitle", "公文副标题", ppr='<w:jc w:val="center"/>', rpr=_fonts(FONT_KAI, FONT_KAI))
    + _style("GwDocNumber", "发文字号", ppr='<w:jc w:val="center"/>')
    + _style("GwRecipient", "主送机关", ppr='<w:jc w:val="left"/>')
    + _style(
        "GwHeading1",
        "公文一级标题",
        ppr="<w:keepNext/>" + _INDENT2 + '<w:outlineLvl w:val="1"/>',
        rpr=_fonts(FONT_HEI),
    )
    + _style(
        "GwHeading2",
        "公文二级标题",
        ppr="<w:keepNext/>" + _INDENT2 + '<w:outlineLvl w:val="2"/>',
        rpr=_fonts(FONT_KAI),
    )
    + _style(
        "GwHeading3",
        "公文三级标题",
        ppr="<w:keepNext/>" + _INDENT2 + '<w:outlineLvl w:val="3"/>',
        rpr="<w:b/><w:bCs/>",
    )
    + _style("GwHeading4", "公文四级标题", ppr=_INDENT2 + '<w:outlineLvl w:val="4"/>')
    + _style("GwSignature", "发文机关署名", ppr=f'<w:ind w:right="{PT_BODY * 4 * 20}"/><w:jc w:val="right"/>')
    + _style(
        "GwAttachLabel", "附件标识", ppr='<w:pageBreakBefore/><w:jc w:val="left"/>', rpr=_fonts(FONT_HEI)
    )
    + _style(
        "GwAttachTitle",
        "附件标题",
        ppr='<w:spacing w:before="240" w:after="240" w:line="560" w:lineRule="exact"/><w:jc w:val="center"/>',
        rpr=_fonts(FONT_TITLE) + _size(18),
    )
    + _style(
        "GwCaption", "表格标题", ppr='<w:keepNext/><w:jc w:val="center"/>', rpr=_fonts(FONT_HEI) + _size(14)
    )
    + _style(
        "GwTable",
        "表格文字",
        ppr='<w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="auto"/><w:jc w:val="center"/>',
        rpr=_size(PT_TABLE),
    )
    + _style(
        "GwTableHead",
        "表格表头",
        based_on="GwTable",
        next_style="GwTable",
        rpr=_fonts(FONT_HEI) + _size(PT_TABLE),
    )
    + _style(
        "GwPageNumber",
        "页码",
        ppr='<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>',
        rpr=_fonts(FONT_SONG) + _size(PT_PAGE_NUMBER),
    )
    + "</w:styles>"
)


def _page_number_footer(align: str) -> str:
    # One character (4号 = 14 pt = 280 twips) in from the edge of the 版心.
    ind = '<w:ind w:right="280"/>' if align == "right" else '<w:ind w:left="280"/>'
    return (
        _XML_DECL + f'<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="GwPageNumber"/>'
        f'{ind}<w:jc w:val="{align}"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>'
    )


def _font_entry(name: str, alt: str = "", charset: str = "86", family: str = "modern") -> str:
    alt_xml = f'<w:altName w:val="{alt}"/>' if alt else ""
    return (
        f'<w:font w:name="{name}">{alt_xml}<w:charset w:val="{charset}"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
    )


FONT_TABLE_XML = (
    _XML_DECL
    + f'<w:fonts xmlns:w="{W_NS}">'
    + _font_entry(FONT_LATIN, charset="00", family="roman")
    + _font_entry(FONT_BODY, "仿宋")
    + _font_entry(FONT_TITLE, "宋体")
    + _font_entry(FONT_HEI, "SimHei")
    + _font_entry(FONT_KAI, "楷体")
    + _font_entry(FONT_SONG, "SimSun")
    + "</w:fonts>"
)

SETTINGS_XML = (
    _XML_DECL + f'<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>'
    '<w:evenAndOddHeaders/><w:characterSpacingControl w:val="compressPunctuation"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>'
)

CONTENT_TYPES_XML = (
    _XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/footer1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT_RELS_XML = (
    _XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

DOCUMENT_RELS_XML = (
    _XML_DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rId4" Type="{_REL}/footer" Target="footer1.xml"/>'
    f'<Relationship Id="rId5" Type="{_REL}/footer" Target="footer2.xml"/>'
    "</Relationships>"
)

APP_XML = (
    _XML_DECL
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>fazhi</Application><DocSecurity>0</DocSecurity></Properties>"
)

SECT_PR = (
    '<w:sectPr><w:footerReference w:type="even" r:id="rId5"/><w:footerReference w:type="default" r:id="rId4"/>'
    '<w:pgSz w:w="11906" w:h="16838"/>'
    f'<w:pgMar w:top="{_twips_mm(37)}" w:right="{_twips_mm(26)}" w:bottom="{_twips_mm(35)}" '
    f'w:left="{_twips_mm(28)}" w:header="{_twips_mm(15)}" w:footer="{_twips_mm(22)}" w:gutter="0"/>'
    f'<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="{LINE_PITCH_TWIPS}"/></w:sectPr>'
)

DOCUMENT_HEAD = _XML_DECL + f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
DOCUMENT_TAIL = SECT_PR + "</w:body></w:document>"


def _core_xml(title: str, author: str, when: datetime.datetime) -> str:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        _XML_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_esc(title)}</dc:title><dc:creator>{_esc(author)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    )


@lru_cache(maxsize=1)
def _static_parts() -> tuple[tuple[str, bytes], ...]:
    """The parts that are the same in every document, encoded once."""
    return (
        ("[Content_Types].xml", CONTENT_TYPES_XML.encode()),
        ("_rels/.rels", ROOT_RELS_XML.encode()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS_XML.encode()),
        ("word/styles.xml", STYLES_XML.encode()),
        ("word/settings.xml", SETTINGS_XML.encode()),
        ("word/fontTable.xml", FONT_TABLE_XML.encode()),
        ("word/footer1.xml", _page_number_footer("right").encode()),
        ("word/footer2.xml", _page_number_footer("left").encode()),
        ("docProps/app.xml", APP_XML.encode()),
    )


# --------------------------------------------------------- docx: document.xml

_JC = {"justify": "both", "left": "left", "center": "center", "right": "right"}


def _run(text: str, rpr: str = "") -> str:
    if rpr:
        return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'
    return f'<w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'


def _para(style: str, text: str, ppr: str = "", rpr: str = "") -> str:
    if not text:
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr></w:p>'
    if rpr:
        return (
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr>'
            f'<w:t xml:space="preserve">{_esc(text)}</w:t></w:r></w:p>'
        )
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>'
        f'<w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r></w:p>'
    )


def _paragraph_xml(p: Paragraph) -> str:
    ppr = "" if p.indent else '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
    if p.align != "justify":
        ppr += f'<w:jc w:val="{_JC.get(p.align, "both")}"/>'
    return _para("GwBody", p.text, ppr, "<w:b/><w:bCs/>" if p.bold else "")


_END = object()


def _widths_twips(table: Table) -> list[int]:
    ncols = table.column_count()
    rel = list(table.widths)[:ncols] if table.widths else []
    rel += [1.0] * (ncols - len(rel))
    total = sum(rel) or 1.0
    width = _twips_mm(TEXT_WIDTH_MM)
    return [round(width * w / total) for w in rel]


_TABLE_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


_VCENTER = '<w:vAlign w:val="center"/></w:tcPr>'
_TR = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
_TR_HEADER = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"


def _table_xml(table: Table) -> str:
    """Rows with HTML semantics placed on the column grid: a column span is w:gridSpan,
    a row span is w:vMerge "restart" in its first row and a continuation cell below."""
    widths = _widths_twips(table)
    ncols = len(widths)
    edge = [0]
    for w in widths:
        edge.append(edge[-1] + w)
    size_rpr = "" if table.font_size == PT_TABLE else _size(table.font_size)
    out = [_para("GwCaption", table.caption)] if table.caption else []
    out.append(
        f'<w:tbl><w:tblPr><w:tblW w:w="{edge[-1]}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{_TABLE_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>'
    )
    out.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out.append("</w:tblGrid>")
    covered: dict[tuple[int, int], int] = {}  # (row, column) → colspan of the cell spanning down into it
    for r, row in enumerate(table.rows):
        header = r < table.header_rows
        style = "GwTableHead" if header else "GwTable"
        out.append(_TR_HEADER if header else _TR)
        cells = iter(row)
        c = 0
        while c < ncols:
            down = covered.get((r, c)) if covered else None
            if down is not None:
                span = min(down, ncols - c)
                grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                out.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{edge[c + span] - edge[c]}" w:type="dxa"/>{grid_span}'
                    f"<w:vMerge/>{_VCENTER}<w:p/></w:tc>"
                )
                c += span
                continue
            raw = next(cells, _END)
            if raw is _END:  # a short row: pad with empty cells so Word keeps the grid
                out.extend(
                    f'<w:tc><w:tcPr><w:tcW w:w="{widths[k]}" w:type="dxa"/></w:tcPr><w:p/></w:tc>'
                    for k in range(c, ncols)
                )
                break
            if isinstance(raw, Cell):
                text, span, rowspan = raw.text, max(1, min(raw.colspan, ncols - c)), raw.rowspan
                jc = f'<w:jc w:val="{_JC.get(raw.align, "center")}"/>' if raw.align != "center" else ""
                rpr = ("<w:b/><w:bCs/>" if raw.bold and not header else "") + size_rpr
            else:
                text, span, rowspan, jc, rpr = ("" if raw is None else str(raw)), 1, 1, "", size_rpr
            grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            merge = ""
            if rowspan > 1:
                merge = '<w:vMerge w:val="restart"/>'
                for below in range(r + 1, r + rowspan):
                    covered[(below, c)] = span
            if "\n" in text:
                paras = "".join(_para(style, line, jc, rpr) for line in text.split("\n"))
            else:
                paras = _para(style, text, jc, rpr)
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{edge[c + span] - edge[c]}" w:type="dxa"/>{grid_span}{merge}'
                f"{_VCENTER}{paras}</w:tc>"
            )
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _blocks_xml(blocks: Iterable[Block], out: list[str]) -> None:
    for block in numbered_blocks(blocks):
        if isinstance(block, Paragraph):
            out.append(_paragraph_xml(block))
        elif isinstance(block, Heading):
            out.append(_para(f"GwHeading{min(max(block.level, 1), 4)}", block.text))
        elif isinstance(block, Table):
            out.append(_table_xml(block))
        elif isinstance(block, PageBreak):
            out.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')


RED = "FF0000"
# 发文机关标志: red 小标宋, centred; the separator: a red rule under the 发文字号
_MARK_RPR = _fonts(FONT_TITLE) + f'<w:color w:val="{RED}"/>' + _size(30)
_RED_RULE_PPR = f'<w:pBdr><w:bottom w:val="single" w:sz="18" w:space="1" w:color="{RED}"/></w:pBdr>'


def document_xml(doc: Document) -> str:
    out = [DOCUMENT_HEAD]
    if doc.issuer_mark:
        out.append(_para("GwDocNumber", doc.issuer_mark, rpr=_MARK_RPR))
        out.append(_para("GwDocNumber", ""))
        out.append(_para("GwDocNumber", doc.doc_number, ppr=_RED_RULE_PPR))
        out.append(_para("GwDocNumber", ""))
    elif doc.doc_number:
        out.append(_para("GwDocNumber", doc.doc_number))
        out.append(_para("GwDocNumber", ""))
    out.append(_para("GwTitle", doc.title))
    if doc.subtitle:
        out.append(_para("GwSubtitle", doc.subtitle))
    out.append(_para("GwBody", ""))
    if doc.recipient:
        out.append(_para("GwRecipient", doc.recipient))
    _blocks_xml(doc.blocks, out)
    if doc.signature or doc.date:
        out.append(_para("GwBody", ""))
        out.append(_para("GwBody", ""))
        if doc.signature:
            out.append(_para("GwSignature", doc.signature))
        if doc.date:
            out.append(_para("GwSignature", format_date(doc.date)))
    for attachment in doc.attachments:
        out.append(_para("GwAttachLabel", attachment.label))
        out.append(_para("GwAttachTitle", attachment.title))
        _blocks_xml(attachment.blocks, out)
    # Word wants a paragraph after a closing table before the section properties.
    if out[-1].endswith("</w:tbl>"):
        out.append("<w:p/>")
    out.append(DOCUMENT_TAIL)
    return "".join(out)


def docx_members(doc: Document, *, now: datetime.datetime | None = None) -> list[tuple[str, bytes]]:
    """The package parts of the docx in writing order (also used by the benchmark's baseline)."""
    when = now or datetime.datetime.now(datetime.UTC)
    static = _static_parts()
    return [
        static[0],
        static[1],
        ("word/document.xml", document_xml(doc).encode()),
        *static[2:],
        ("docProps/core.xml", _core_xml(doc.title, doc.author, when).encode()),
    ]


def write_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of the members with fixed entry times, so equal documents are equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def render_docx(doc: Document, *, now: datetime.datetime | None = None) -> bytes:
    return write_zip(docx_members(doc, now=now))


# ----------------------------------------------------------------------- PDF


@dataclass
class _HtmlCell:
    text: str
    colspan: int
    rowspan: int
    align: str
    bold: bool
    header: bool


def _html_rows(table: Table) -> list[list[_HtmlCell]]:
    return [
        [
            _HtmlCell(clean_text(c.text), c.colspan, c.rowspan, c.align, c.bold, r < table.header_rows)
            for c in map(_cell, row)
        ]
        for r, row in enumerate(table.rows)
    ]


# Pango follows the old UAX #14 rule that never breaks next to an ambiguous quotation
# mark, so "和市委“1+6+3”工作安排" moves to the next line as one piece and leaves a
# gap. A zero-width space between a Chinese character and the quote allows the break
# a typesetter would make; it is invisible and only in the PDF's HTML.
_QUOTE_BEFORE = re.compile("(?<=[\u3400-\u9fff\uff0c\u3002\u3001\uff1b\uff1a])(?=[\u201c\u2018])")
_QUOTE_AFTER = re.compile("(?<=[\u201d\u2019])(?=[\u3400-\u9fff])")


def _breakable(text: str) -> str:
    if "\u201c" not in text and "\u2018" not in text:
        return text
    return _QUOTE_AFTER.sub("\u200b", _QUOTE_BEFORE.sub("\u200b", text))


def _html_blocks(blocks: Iterable[Block], tables: list[dict[str, object]]) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for block in numbered_blocks(blocks):
        if isinstance(block, (Paragraph, Heading)):
            block = replace(block, text=_breakable(block.text))
        if isinstance(block, Table):
            widths = _widths_twips(block)
            total = sum(widths) or 1
            item: dict[str, object] = {
                "kind": "table",
                "id": f"t{len(tables) + 1}",
                "caption": block.caption,
                "rows": _html_rows(block),
                "widths": [round(100 * w / total, 2) for w in widths],
                "small": block.font_size < 12,
                "header_rows": min(block.header_rows, len(block.rows)),
            }
            tables.append(item)
            items.append(item)
        else:
            items.append({"kind": block.kind, "block": block})
    return items


def render_html(doc: Document) -> str:
    """The HTML that WeasyPrint prints (never served: it carries its own <style>)."""
    from django.template.loader import render_to_string

    tables: list[dict[str, object]] = []
    blocks = _html_blocks(doc.blocks, tables)
    attachments = [
        {"label": clean_text(a.label), "title": clean_text(a.title), "blocks": _html_blocks(a.blocks, tables)}
        for a in doc.attachments
    ]
    doc = replace(
        doc,
        title=clean_text(doc.title),
        subtitle=clean_text(doc.subtitle),
        doc_number=clean_text(doc.doc_number),
        issuer_mark=clean_text(doc.issuer_mark),
        recipient=clean_text(doc.recipient),
        signature=clean_text(doc.signature),
    )
    return render_to_string(
        "documents/gongwen.html",
        {
            "doc": doc,
            "blocks": blocks,
            "attachments": attachments,
            "tables": tables,
            "date": format_date(doc.date),
        },
    )


def render_pdf(doc: Document) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(doc)).write_pdf()  # type: ignore[no-any-return]
