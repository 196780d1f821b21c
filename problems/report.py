"""The summary report of a 专项整治 (docx, 公文格式 through documents.gongwen):
every figure is read from the data — clues by category and state, closure,
立行立改, overdue, 挂牌督办, by unit, the measures — never typed."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from documents import gongwen
from problems import selectors, workflow
from problems.models import Problem, RectifyMode, Severity, SpecialCampaign


def _pct(part: int, whole: int) -> str:
    value = selectors.rate(part, whole)
    return f"{value}%" if value is not None else "—"


def _rows(header: list[str]) -> list[list[gongwen.CellLike]]:
    return [list(header)]


def campaign_document(
    campaign: SpecialCampaign, *, today: datetime.date | None = None, signature: str = ""
) -> gongwen.Document:
    today = today or timezone.localdate()
    qs = Problem.objects.filter(campaign=campaign)
    stats = selectors.problem_stats(qs, today=today)
    figures = qs.aggregate(
        immediate=Count("pk", filter=Q(rectify_mode=RectifyMode.IMMEDIATE), distinct=True),
        grave=Count("pk", filter=Q(severity=Severity.GRAVE), distinct=True),
        returned=Count("pk", filter=Q(events__action=workflow.RETURN), distinct=True),
        extended=Count("pk", filter=Q(events__action="extension_granted"), distinct=True),
    )
    counted = stats.total - stats.dismissed
    measures = list(campaign.measures.select_related("org").order_by("order", "pk"))
    grouped = (
        qs.values("category")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(state=workflow.CLOSED)),
            open=Count("pk", filter=Q(state__in=workflow.OPEN)),
            immediate=Count("pk", filter=Q(rectify_mode=RectifyMode.IMMEDIATE)),
        )
        .order_by("category")
    )
    order = {c: i for i, c in enumerate(campaign.categories)}
    rows: list[dict[str, Any]] = [dict(r) for r in grouped]
    by_category = sorted(rows, key=lambda r: (order.get(r["category"], len(order)), r["category"]))
    blocks: list[gongwen.Block] = [
        gongwen.Paragraph(
            f"按照{campaign.name}的部署，{gongwen.format_date(campaign.start_date)}至{gongwen.format_date(campaign.end_date)}，"
            f"{campaign.lead_org.name if campaign.lead_org else '各有关单位'}牵头，坚持问题导向，对"
            f"{'、'.join(f'“{c}”' for c in campaign.categories)}等问题线索进行全面清理，做到边查边改、立行立改。"
            f"现将工作情况报告如下（数据截至{gongwen.format_date(today)}，由系统自动统计）。"
        ),
        gongwen.Heading("问题线索清理情况"),
        gongwen.Paragraph(
            f"共登记问题线索 {stats.total} 条（撤销 {stats.dismissed} 条），已销号 {stats.closed} 条，"
            f"销号率 {_pct(stats.closed, counted)}；其中立行立改 {figures['immediate']} 条；"
            f"正在办理 {stats.open} 条，已逾期 {stats.overdue} 条；挂牌督办 {stats.supervised} 条，"
            f"严重问题 {figures['grave']} 条；责任单位退回后重新交办的 {figures['returned']} 条，经批准延期的 {figures['extended']} 条。"
        ),
        gongwen.Table(
            _rows(["问题类别", "线索数", "已销号", "办理中", "立行立改", "销号率"])
            + [
                [
                    r["category"] or "未分类",
                    r["total"],
                    r["closed"],
                    r["open"],
                    r["immediate"],
                    _pct(r["closed"], r["total"]),
                ]
                for r in by_category
            ]
            + [
                [
                    "合计",
                    stats.total,
                    stats.closed,
                    stats.open,
                    figures["immediate"],
                    _pct(stats.closed, counted),
                ]
            ],
            widths=(3, 1.2, 1.2, 1.2, 1.2, 1.2),
            caption="表1  问题线索分类办理情况",
        ),
        gongwen.Heading("各责任单位办理情况"),
        gongwen.Table(
            _rows(["责任单位", "线索数", "办理中", "已逾期", "已销号", "销号率"])
            + [
                [u.name, u.total, u.open, u.overdue, u.closed, _pct(u.closed, u.total)] for u in stats.by_unit
            ],
            widths=(3.4, 1.2, 1.2, 1.2, 1.2, 1.2),
            caption="表2  各责任单位办理情况",
        ),
        gongwen.Heading("便民利企措施"),
    ]
    if measures:
        blocks.append(gongwen.Paragraph(f"专项整治期间推出便民利企措施 {len(measures)} 项："))
        for n, m in enumerate(measures, start=1):
            who = (
                f"（{m.org.name}" + (f"，{m.launched_on:%Y年%m月}推出" if m.launched_on else "") + "）"
                if m.org
                else ""
            )
            benefit = f"{m.benefit}。" if m.benefit else ""
            blocks.append(
                gongwen.Paragraph(f"{n}. {m.title}{who}。{m.description}{benefit}".replace("。。", "。"))
            )
    else:
        blocks.append(gongwen.Paragraph("尚未录入便民利企措施。"))
    blocks += [
        gongwen.Heading("下一步工作"),
        gongwen.Paragraph(
            f"对尚未办结的 {stats.open} 条问题线索（其中逾期 {stats.overdue} 条）继续督促整改，逾期未改的依规依纪追责问责；"
            "及时总结专项整治的有效措施和经验，补齐制度短板、制定治本措施。"
        ),
    ]
    return gongwen.Document(
        title=f"关于{campaign.name}工作情况的报告",
        subtitle=f"（{campaign.year}年度）",
        blocks=blocks,
        signature=signature,
        date=today,
    )


def campaign_docx(
    campaign: SpecialCampaign, *, today: datetime.date | None = None, signature: str = ""
) -> bytes:
    return gongwen.render_docx(campaign_document(campaign, today=today, signature=signature))
