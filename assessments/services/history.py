"""历年考评结果: past years' published results (year, county, total, grade,
rank), imported from the office's xlsx so the year-over-year views start with
real history. All or nothing: any bad row and nothing is saved, each problem
named by row and column. A year the system itself published is never
overwritten; re-importing a year replaces that year's imported rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessments import access
from assessments.frameworks_xlsx import ImportFailed, Row, RowError, header_index, org_lookup, read_rows
from assessments.models import ImportedResult, Publication
from audit.services import audit_record
from orgs.models import Org
from orgs.selectors import targets as target_orgs

HEADERS = ["年度", "单位代码", "单位名称", "总分", "等次", "名次"]
MAX_TOTAL = Decimal("200")


@dataclass(frozen=True)
class HistoryRow:
    year: int
    target: Org
    total: Decimal
    grade: str
    rank: int


def _year(row: Row, published: set[int]) -> int | None:
    text = row.text("年度", required=True).removesuffix("年").removesuffix("年度")
    if not text:
        return None
    if not text.isdigit() or not 2000 <= int(text) <= timezone.localdate().year:
        row.error("年度", f"年度「{text}」无效，须为 2000 至 {timezone.localdate().year} 之间的年份。")
        return None
    if int(text) in published:
        row.error("年度", f"{text} 年度的考评结果已在本系统公布，不能用导入覆盖。")
        return None
    return int(text)


def _rank(row: Row) -> int | None:
    text = row.text("名次", required=True).removeprefix("第").removesuffix("名")
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        row.error("名次", f"名次「{text}」须为正整数。")
        return None
    return int(text)


def parse_history(content: bytes) -> list[HistoryRow]:
    """Every row of the file as a HistoryRow; raises ImportFailed with every problem."""
    headers, data = read_rows(content)
    index, errors = header_index(headers, ["年度", "总分", "等次", "名次"])
    if "单位代码" not in index and "单位名称" not in index:
        errors.append(RowError(1, "单位代码", "表头须包含「单位代码」或「单位名称」列。"))
    if errors:
        raise ImportFailed(errors)
    if not data:
        raise ImportFailed([RowError(2, "", "文件中没有数据行。")])
    targets = org_lookup(target_orgs())
    published = set(Publication.objects.values_list("campaign__year", flat=True))
    seen: dict[tuple[int, int], int] = {}
    result = []
    for number, values in data:
        row = Row(number, values, index, errors)
        year = _year(row, published)
        key = row.text("单位代码") or row.text("单位名称")
        total = row.decimal("总分", required=True, maximum=MAX_TOTAL)
        grade = row.text("等次", required=True, max_length=20)
        rank = _rank(row)
        target = targets.get(key) if key else None
        if not key:
            row.error("单位代码", "缺少单位代码或单位名称。")
        elif target is None:
            row.error("单位代码", f"「{key}」不是被考评单位（可填写机构代码、全称或简称）。")
        if year is None or target is None or total is None or rank is None or not grade:
            continue
        if (year, target.pk) in seen:
            row.error("单位代码", f"{target.display_name} {year} 年度与第 {seen[year, target.pk]} 行重复。")
            continue
        seen[year, target.pk] = number
        result.append(HistoryRow(year, target, total, grade, rank))
    if errors:
        raise ImportFailed(errors)
    return result


@transaction.atomic
def history_import(*, actor: User | None, rows: list[HistoryRow], source: str) -> dict[int, int]:
    """Save the parsed rows, replacing the imported rows of each year in the
    file; returns {year: rows}. Audited with what each year held before.
    `actor` None: the command line on the server (`fazhi campaign import-history`)."""
    if actor is not None and not access.can_manage(actor):
        raise PermissionDenied("只有依法治办可以导入历年考评结果。")
    by_year: dict[int, list[HistoryRow]] = defaultdict(list)
    for r in rows:
        by_year[r.year].append(r)
    before = {
        str(year): [
            [code, str(total), grade, rank]
            for code, total, grade, rank in ImportedResult.objects.filter(year=year)
            .order_by("rank", "target__code")
            .values_list("target__code", "total", "grade", "rank")
        ]
        for year in by_year
    }
    ImportedResult.objects.filter(year__in=by_year).delete()
    ImportedResult.objects.bulk_create(
        ImportedResult(
            year=r.year,
            target=r.target,
            total=r.total,
            grade=r.grade,
            rank=r.rank,
            source=source[:200],
            imported_by=actor,
        )
        for r in rows
    )
    audit_record(
        actor=actor,
        action="assessments.history.imported",
        target_repr=f"历年考评结果 {'、'.join(str(y) for y in sorted(by_year))}",
        before=before,
        after={
            str(year): [
                [r.target.code, str(r.total), r.grade, r.rank] for r in sorted(items, key=lambda r: r.rank)
            ]
            for year, items in by_year.items()
        },
        data={"source": source[:200], "rows": len(rows)},
    )
    return {year: len(items) for year, items in sorted(by_year.items())}
