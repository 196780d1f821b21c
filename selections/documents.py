"""The 公告 of the ten selected projects (docx in 公文格式 through documents.gongwen)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone

from audit.services import audit_record
from documents import gongwen
from selections.models import Edition

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def notice_document(edition: Edition) -> gongwen.Document:
    results = edition.results or {}
    ranking = results.get("ranking", [])
    chosen = [r for r in ranking if r["selected"]]
    published = (
        timezone.localtime(edition.published_at).date() if edition.published_at else timezone.localdate()
    )
    rules = results.get("rules", {})
    expert_pct = round(float(rules.get("expert_weight", edition.expert_weight)) * 100)
    public_pct = round(float(rules.get("public_weight", edition.public_weight)) * 100)
    rows: list[list[gongwen.CellLike]] = [
        [
            i,
            gongwen.Cell(r["title"], align="left"),
            gongwen.Cell(r["unit"], align="left"),
            gongwen.Cell(r["responsible"] or "—", align="left"),
            f"{float(r['composite']):.2f}" if r["composite"] else "—",
        ]
        for i, r in enumerate(chosen, start=1)
    ]
    blocks: list[gongwen.Block] = [
        gongwen.Paragraph(
            f"为深入贯彻落实习近平法治思想，推动法治建设成果更多更好惠及人民群众，市委全面依法治市委员会办公室组织开展"
            f"{edition.name}活动。经广泛征集（共收到推荐项目 {results.get('nominations', 0)} 个）、资格审查、专家评审、"
            f"公众投票、综合排名和公示，现将评选结果公告如下。"
        ),
        gongwen.Heading("评选结果"),
        gongwen.Table(
            rows=[
                ["序号", "项目名称", "推荐单位", "责任单位", "综合得分"],
                *rows,
            ],
            widths=(1, 5, 3, 3, 1.6),
        ),
        gongwen.Heading("评选规则"),
        gongwen.Paragraph(
            f"专家评审按法治性、群众性、普惠性、可行性、创新性五项标准打分，每项 0–10 分；每个项目的专家得分为各专家加权得分的"
            f"截尾平均（评审专家 5 人及以上时去掉一个最高分和一个最低分）。综合得分 = 专家得分 × {expert_pct}% + 公众得分 × "
            f"{public_pct}%，公众得分按有效票数折算（得票最多的项目为 10 分）。"
        ),
        gongwen.Heading("有关要求"),
        gongwen.Paragraph(
            "各责任单位要按照项目实施计划细化工作节点，按时在系统中报告工作进展。市委依法治市办将跟踪督办项目落实情况，"
            "并将落实情况纳入下一年度法治江门建设考评。"
        ),
    ]
    return gongwen.Document(
        title=f"关于{edition.name}结果的公告",
        blocks=blocks,
        signature="中共江门市委全面依法治市委员会办公室",
        date=published,
    )


def notice_response(edition: Edition, *, actor: Any) -> HttpResponse:
    """The docx, once the results are published; a download by a user is audited
    (the public's copy of a public notice is not a sensitive read)."""
    if not edition.results:
        raise Http404("评选结果尚未公布")
    content = gongwen.render_docx(notice_document(edition))
    if getattr(actor, "pk", None):
        audit_record(
            actor=actor, action="selections.notice.exported", target=edition, data={"bytes": len(content)}
        )
    response = HttpResponse(content, content_type=DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="huimin-{edition.year}-notice.docx"'
    return response
