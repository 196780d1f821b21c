"""The evidence package (佐证材料包) handed to the province's assessors.

A zip with one folder per indicator, `<编码>_<指标名>/<单位>_<原文件名>`, and at
its root `目录.docx`, which lists every file under its indicator (板块 → 指标 →
files, with indicators that have no evidence marked as such). Names are made
safe for Windows, macOS and Linux archivers; clashes get "(2)", "(3)"…
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from provincial.models import ProvincialFramework, Task

CATALOGUE_NAME = "目录.docx"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}

_NUMBERED = re.compile(r"^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、．])")

Progress = Callable[[int, int], None]


def safe_name(text: str, *, limit: int = 60, folder: bool = False) -> str:
    """A file or folder name every archiver accepts: no separators, reserved
    characters, control characters, leading dots or trailing dots/spaces. A
    file keeps its extension when shortened; a folder ("1.1_…") has none."""
    text = unicodedata.normalize("NFC", text or "")
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip().strip(".").strip()
    stem, dot, ext = text.rpartition(".")
    if dot and not folder and re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        stem = stem[: max(1, limit - len(ext) - 1)].rstrip(" .")
        text = f"{stem}.{ext}" if stem else f"文件.{ext}"
    else:
        text = text[:limit].rstrip(" .")
    if text.split(".")[0].upper() in _RESERVED:
        text = f"_{text}"
    return text or "未命名"


@dataclass
class Entry:
    section: str
    indicator_code: str
    indicator_name: str
    max_score: Any
    org_name: str
    original_name: str
    arcname: str
    attachment: Any


@dataclass
class IndicatorListing:
    section: str
    code: str
    name: str
    max_score: Any
    folder: str
    units: list[str]
    entries: list[Entry]


def listing(framework: ProvincialFramework) -> list[IndicatorListing]:
    """Every indicator with the files that go into the package, in framework order (3 queries)."""
    task_qs = (
        Task.objects.select_related("org")
        .prefetch_related("evidence")
        .order_by("org__sort_order", "org__code", "pk")
    )
    indicators = framework.indicators.order_by("order", "pk").prefetch_related(
        Prefetch("tasks", queryset=task_qs)
    )
    used: set[str] = set()
    out = []
    for indicator in indicators:
        folder = safe_name(f"{indicator.code}_{indicator.name}", limit=60, folder=True)
        item = IndicatorListing(
            section=indicator.section,
            code=indicator.code,
            name=indicator.name,
            max_score=indicator.max_score,
            folder=folder,
            units=[],
            entries=[],
        )
        for task in indicator.tasks.all():
            unit = task.org.display_name
            item.units.append(unit)
            for attachment in sorted(task.evidence.all(), key=lambda a: (a.original_name, str(a.pk))):
                base = safe_name(f"{unit}_{attachment.original_name}", limit=80)
                arcname = f"{folder}/{base}"
                n = 2
                while arcname.lower() in used:
                    stem, dot, ext = base.rpartition(".")
                    arcname = f"{folder}/{stem}({n}).{ext}" if dot else f"{folder}/{base}({n})"
                    n += 1
                used.add(arcname.lower())
                item.entries.append(
                    Entry(
                        section=indicator.section,
                        indicator_code=indicator.code,
                        indicator_name=indicator.name,
                        max_score=indicator.max_score,
                        org_name=unit,
                        original_name=attachment.original_name,
                        arcname=arcname,
                        attachment=attachment,
                    )
                )
        out.append(item)
    return out


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


def catalogue_docx(
    framework: ProvincialFramework, items: list[IndicatorListing], *, now: datetime.datetime | None = None
) -> bytes:
    """目录 in 公文格式: 板块 headings (黑体), each indicator (楷体) followed by a
    table of its files with their place in the package."""
    from documents import gongwen as g

    now = now or timezone.localtime()
    files = sum(len(i.entries) for i in items)
    missing = sum(1 for i in items if not i.entries)
    blocks: list[Any] = [
        g.Paragraph(
            f"本材料包共收录 {len(items)} 项指标的佐证材料 {files} 份，按指标分文件夹存放，"
            f"文件名为“责任单位_原文件名”。{'其中 ' + str(missing) + ' 项指标暂无佐证材料，已在目录中注明。' if missing else ''}"
        )
    ]
    section = None
    for item in items:
        if item.section != section:
            section = item.section
            # the province's 板块 usually carry their own "一、"; number only those that do not
            blocks.append(g.Heading(section, level=1, numbered=not _NUMBERED.match(section)))
        score = f"{item.max_score.normalize():f}" if hasattr(item.max_score, "normalize") else item.max_score
        blocks.append(g.Heading(f"{item.code} {item.name}（{score}分）", level=2, numbered=False))
        units = "、".join(item.units) if item.units else "未分派"
        blocks.append(g.Paragraph(f"责任单位：{units}；文件夹：{item.folder}"))
        if item.entries:
            rows: list[list[Any]] = [["序号", "责任单位", "文件名", "包内位置", "大小"]]
            for n, e in enumerate(item.entries, start=1):
                rows.append(
                    [
                        n,
                        e.org_name,
                        g.Cell(e.original_name, align="left"),
                        g.Cell(e.arcname, align="left"),
                        _size(e.attachment.size),
                    ]
                )
            blocks.append(g.Table(rows=rows, widths=(1.4, 3, 5, 7, 1.6)))
        else:
            blocks.append(g.Paragraph("（暂无佐证材料）"))
    doc = g.Document(
        title=f"{framework.year}年度法治广东建设考评佐证材料目录",
        subtitle=f"（截至{g.format_date(now.date())}）",
        blocks=blocks,
        signature="中共江门市委全面依法治市委员会办公室",
        date=now.date(),
    )
    return g.render_docx(doc, now=now)


def _zip_time(when: datetime.datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def build_package(
    framework: ProvincialFramework, *, progress: Progress | None = None, now: datetime.datetime | None = None
) -> tuple[bytes, dict[str, int]]:
    """The zip (bytes) and its counts. Files are streamed from storage one at a time."""
    items = listing(framework)
    entries = [e for item in items for e in item.entries]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(CATALOGUE_NAME, catalogue_docx(framework, items, now=now))
        for done, entry in enumerate(entries, start=1):
            info = zipfile.ZipInfo(entry.arcname, date_time=_zip_time(entry.attachment.created_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            with entry.attachment.file.open("rb") as source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, 256 * 1024)
            if progress:
                progress(done, len(entries))
    counts = {
        "indicators": len(items),
        "files": len(entries),
        "indicators_without_files": sum(1 for i in items if not i.entries),
    }
    return buffer.getvalue(), counts


def package_filename(framework: ProvincialFramework) -> str:
    return f"{framework.year}年度法治广东建设考评佐证材料.zip"
