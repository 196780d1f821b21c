"""考评办法 tables as offices publish them, built in the tests (xlsx with title rows
and merged cells, Word tables with merged cells), for the importer's tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import docx
from openpyxl import Workbook


def xlsx(
    rows: Sequence[Sequence[Any]], merges: Sequence[str] = (), *, title: str = "Sheet1", extra_sheets: int = 0
) -> bytes:
    wb = Workbook()
    ws: Any = wb.active
    for _ in range(extra_sheets):
        ws.title = "说明"
        ws.append(["本表说明", "无"])
        ws = wb.create_sheet()
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for merged in merges:
        ws.merge_cells(merged)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def docx_table(
    rows: Sequence[Sequence[str]],
    merges: Sequence[tuple[int, int, int, int]] = (),
    *,
    paragraphs: Sequence[str] = (),
) -> bytes:
    """A Word document: `paragraphs` then one table; merges are (row, col, row, col), 0-based."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for top, left, bottom, right in merges:
        keep = table.cell(top, left).text
        merged = table.cell(top, left).merge(table.cell(bottom, right))
        merged.text = keep
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# 一级 60 → 二级 → items, title rows above the header, merged section / group / 责任单位 cells,
# points in a column, in a name "（20分）" and only in the rule text, a 合计 row.
THREE_LEVELS_ROWS: list[list[Any]] = [
    ["附件1"],
    ["2025年度法治建设考评细则"],
    ["一级指标", "二级指标", "三级指标", "评分标准", "分值", "责任单位"],
    ["一、法治政府建设（60分）", "（一）依法决策（20分）", "1.1.1 重大决策合法性审查", "每发现一处未经审查的扣0.5分，累计扣分不超过1.2分", 10, "市司法局"],
    [None, None, "1.1.2 法律顾问", "全部合格的，记10分", None, None],
    [None, "（二）规范执法（40分）", "1.2.1 执法公示", "评为优秀的得20分，良好的得15分，一般的得10分", 20, "市公安局"],
    [None, None, "1.2.2 案卷评查", "每低一个百分点扣1分，分值扣完为止", 20, None],
    ["二、法治社会建设（40分）", "（一）普法（40分）", "2.1.1 普法责任制", "视情况扣1-3分", 15, "市司法局"],
    [None, None, "2.1.2 法治宣传", "以上各项达到要求的得满分，否则酌情扣分", 15, None],
    [None, None, "2.1.3 基层治理", None, 10, None],
    ["三、负面清单", None, "3.1 重大案件", "发生一起即考核不合格", None, "市委政法委"],
    ["四、附加项（加、扣分）", None, "4.1 表彰", "获得省级以上表彰的每项加1分，最多加3分", None, None],
    ["合计", None, None, None, 100, None],
]  # fmt: skip
THREE_LEVELS_MERGES = ["A4:A7", "B4:B5", "B6:B7", "F4:F5", "A8:A10", "B8:B10", "D9:D10", "F8:F10"]


def three_levels() -> bytes:
    return xlsx(THREE_LEVELS_ROWS, THREE_LEVELS_MERGES)


# Two levels in Word: sections as rows spanning the table, no group level.
TWO_LEVELS_ROWS = [
    ["序号", "考核内容", "评分标准", "分值"],
    ["一、依法决策（15分）", "", "", ""],
    ["1", "重大决策", "未经合法性审查的，每次扣2分；最多扣6分", "10"],
    ["2", "法律顾问", "发生一起违法决策即一票否决", "5"],
    ["二、执法监督（10分）", "", "", ""],
    ["3", "执法公示", "未按要求公示的扣1分；未及时更新的扣1分", "4"],
    ["4", "复议纠错", "被纠错的每件扣0.5分，扣满3分为止", "6"],
    ["合计", "", "", "25"],
]
TWO_LEVELS_MERGES = [(1, 0, 1, 3), (4, 0, 4, 3), (7, 0, 7, 2)]


def two_levels_docx() -> bytes:
    return docx_table(
        TWO_LEVELS_ROWS, TWO_LEVELS_MERGES, paragraphs=["附件", "某县法治政府建设考核细则（总分25分）"]
    )
