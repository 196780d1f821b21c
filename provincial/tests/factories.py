"""Test data for 迎检: frameworks built through the import service from xlsx made here."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from provincial import services
from provincial.models import ProvincialFramework, Task

HEADERS = ["编码", "板块", "指标", "分值", "评分标准", "佐证材料要求"]
ROWS = [
    ["1.1", "一、党的领导", "学习贯彻习近平法治思想", 4, "未开展专题学习的扣1分", "学习记录"],
    ["1.2", "一、党的领导", "第一责任人职责", 6, "未述法的扣2分", "述法报告"],
    ["2.1", "二、法治政府", "行政执法三项制度", 5, "未公示的扣1分", "公示截图"],
    ["2.2", "二、法治政府", "行政复议", 5, "纠错未履行的扣1分", "复议决定"],
]
FUTURE = datetime.date(2099, 12, 31)


def xlsx(
    rows: Sequence[Sequence[Any]],
    *,
    headers: Sequence[str] = HEADERS,
    title: str | None = None,
    merges: Sequence[str] = (),
) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    for cells in merges:
        ws.merge_cells(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def framework(actor: Any, *, year: int = 2023, rows: Sequence[Sequence[Any]] = ROWS) -> ProvincialFramework:
    return services.framework_import(
        actor=actor, year=year, name="法治广东建设考评指标体系", content=xlsx(rows)
    )


def text_file(name: str = "学习记录.txt", body: str = "佐证材料内容") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="text/plain")


def task(actor: Any, indicator: Any, org: Any, *, deadline: datetime.date = FUTURE) -> Task:
    return services.tasks_assign(actor=actor, indicator=indicator, orgs=[org], deadline=deadline)[0]


def submitted(actor: Any, unit_user: Any, indicator: Any, *, score: str = "3") -> Task:
    t = task(actor, indicator, unit_user.org)
    services.task_evidence_add(actor=unit_user, task=t, uploaded_file=text_file())
    services.task_report(actor=unit_user, task=t, note="已完成", self_score=Decimal(score))
    return services.task_submit(actor=unit_user, task=t)
