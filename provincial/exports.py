"""xlsx files of 迎检: the import template and the framework exported back."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from documents.xlsx import table_workbook, write_row
from provincial.importing import TEMPLATE_HEADERS
from provincial.selectors import Overview, is_overdue

EXAMPLE_ROWS = [
    [
        "1.1",
        "一、党政主要负责人履行推进法治建设第一责任人职责",
        "党委（党组）理论学习中心组专题学习习近平法治思想",
        2,
        "未开展专题学习的扣1分；学习次数少于2次的扣0.5分",
        "中心组学习计划、学习记录、会议纪要",
    ],
    [
        "1.2",
        "一、党政主要负责人履行推进法治建设第一责任人职责",
        "党政主要负责人年终述法",
        3,
        "未按要求开展述法的扣2分；述法报告未公开的扣1分",
        "述法报告、述法会议通知及记录、公开截图",
    ],
]
NOTES = [
    ["每个指标占一行；表头须在前 20 行内，表头上方可以有标题行。"],
    ["列名可用：编码（或序号）、板块、指标、分值、评分标准、佐证材料要求；列的顺序不限。"],
    ["板块可以合并单元格，或只在每个板块的第一行填写，下方留空。"],
    ["一个指标的评分标准分多行填写时，请合并该指标的编码单元格，或把后续行的编码、指标、分值留空。"],
    ["分值填写数字（可带“分”字，最多两位小数）；最后可加一行“合计”，其分值即声明的总分。"],
    ["导入时逐行检查，有任何错误都不会导入，并列出每个错误所在的行和列。"],
]


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = "指标"
    write_row(ws, 1, TEMPLATE_HEADERS)
    for number, example in enumerate(EXAMPLE_ROWS, start=2):
        write_row(ws, number, example)
    thin = Side(style="thin", color="BFBFBF")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for number, row in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row), start=1):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if number > 1:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, width in enumerate([8, 30, 40, 8, 50, 40], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for number, note in enumerate(NOTES, start=1):
        write_row(notes, number, note)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def framework_workbook(overview: Overview) -> bytes:
    indicators = [
        [
            r.indicator.code,
            r.indicator.section,
            r.indicator.name,
            r.indicator.max_score,
            r.indicator.criteria,
            r.indicator.evidence_requirements,
        ]
        for r in overview.rows
    ]
    indicators.append(["合计", "", "", overview.max_total, "", ""])
    tasks = []
    for r in overview.rows:
        if not r.tasks:
            tasks.append(
                [
                    r.indicator.code,
                    r.indicator.name,
                    r.indicator.max_score,
                    "（未分派）",
                    "",
                    "",
                    "",
                    "",
                    "",
                    0,
                    "",
                ]
            )
        for t in r.tasks:
            tasks.append(
                [
                    r.indicator.code,
                    r.indicator.name,
                    r.indicator.max_score,
                    t.org.name,
                    t.deadline,
                    t.get_status_display() + ("（逾期）" if is_overdue(t, overview.today) else ""),
                    t.evidence_count,  # type: ignore[attr-defined]
                    t.self_score if t.self_score is not None else "",
                    t.reviewed_score if t.reviewed_score is not None else "",
                    r.expected,
                    t.note,
                ]
            )
    summary = [
        [
            r.indicator.code,
            r.indicator.section,
            r.indicator.name,
            r.indicator.max_score,
            len(r.tasks),
            r.expected,
            r.lost,
        ]
        for r in overview.rows
    ]
    summary.append(
        [
            "合计",
            "",
            "",
            overview.max_total,
            overview.task_count,
            overview.expected_total,
            overview.max_total - overview.expected_total,
        ]
    )
    return table_workbook(
        [
            ("指标", TEMPLATE_HEADERS, indicators),
            (
                "任务分解",
                [
                    "编码",
                    "指标",
                    "分值",
                    "责任单位",
                    "截止日期",
                    "状态",
                    "佐证材料数",
                    "单位自估分",
                    "审核预计分",
                    "指标预计得分",
                    "单位说明",
                ],
                tasks,
            ),
            ("预计得分", ["编码", "板块", "指标", "分值", "任务数", "预计得分", "预计失分"], summary),
        ]
    )
