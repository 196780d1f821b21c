"""The 考评办法 issued as a 公文: the office's 印发通知 under its red header
(发文机关标志, 发文字号 from `notices.numbers`, red separator line) followed by
the framework table as 附件 — 板块 cells merged down their indicators, each
indicator with 分值, 评分细则, 评分方式, 考评单位 and 佐证材料. docx and PDF from
the same `documents.gongwen` document; only a locked framework is issued."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from assessments.models import Framework, Method
from assessments.selectors import frameworks as framework_selectors
from audit.services import audit_record
from documents import gongwen
from notices.numbers import number_for

PURPOSE = "考评办法印发通知"
DEFAULT_ISSUER = "市委全面依法治市委员会办公室"
METHOD_LABELS = dict(Method.choices)
MANDATORY = "（必须上传）"


def _num(value: Any) -> str:
    return format(Decimal(str(value)).normalize(), "f") if value not in (None, "") else "—"


def _issuer(actor: User) -> str:
    org = getattr(actor, "org", None)
    return org.name if org is not None else DEFAULT_ISSUER


def _rules_text(indicator: dict[str, Any]) -> str:
    rules = [f"{r['code']} {r['text']}".strip() for r in indicator["rules"]]
    return "；".join(rules) if rules else "—"


def _method_text(indicator: dict[str, Any]) -> str:
    text = METHOD_LABELS.get(indicator["method"], indicator["method"])
    if indicator["method"] == Method.BONUS and indicator.get("bonus_cap") is not None:
        text += f"（上限{_num(indicator['bonus_cap'])}分）"
    return text


def _evidence_text(indicator: dict[str, Any]) -> str:
    text = indicator.get("evidence_required") or ""
    if indicator.get("evidence_mandatory"):
        text = (text or "佐证材料") + MANDATORY
    return text or "—"


def section_points(section: dict[str, Any]) -> Decimal:
    """A 板块's points as the table states them: its indicators without 加分 items."""
    return sum(
        (Decimal(i["max_score"]) for i in section["indicators"] if i["method"] != Method.BONUS), Decimal(0)
    )


def framework_table(structure: list[dict[str, Any]]) -> gongwen.Table:
    rows: list[list[gongwen.CellLike]] = [
        ["板块", "编号", "指标", "分值", "评分细则", "评分方式", "考评单位", "佐证材料"]
    ]
    for section in structure:
        indicators = section["indicators"]
        if not indicators:
            continue
        for n, ind in enumerate(indicators):
            head: list[gongwen.CellLike] = []
            if n == 0:
                head = [
                    gongwen.Cell(
                        f"{section['name']}（{_num(section_points(section))}分）", rowspan=len(indicators)
                    )
                ]
            rows.append(
                [
                    *head,
                    ind["code"],
                    gongwen.Cell(ind["name"], align="left"),
                    _num(ind["max_score"]),
                    gongwen.Cell(_rules_text(ind), align="left"),
                    _method_text(ind),
                    gongwen.Cell("、".join(name for _, _, name in ind["assessors"]) or "—", align="left"),
                    gongwen.Cell(_evidence_text(ind), align="left"),
                ]
            )
    return gongwen.Table(rows, widths=(1.4, 1.1, 2, 1, 3.7, 1.4, 1.6, 2), font_size=9)


def issue_document(framework: Framework, *, actor: User) -> gongwen.Document:
    if not framework.is_locked:
        raise ValidationError("考评办法锁定后才能印发。")
    structure = framework_selectors.framework_structure(framework)
    count = sum(len(s["indicators"]) for s in structure)
    issuer = _issuer(actor)
    blocks: list[gongwen.Block] = [
        gongwen.Paragraph(
            f"为深入推进法治建设，科学评价各县（市、区）{framework.year}年度法治建设工作成效，"
            f"市委依法治市办制定了《{framework.name}》，现印发给你们，请认真贯彻执行。"
        ),
        gongwen.Paragraph(
            f"考评办法共{len(structure)}个板块、{count}项指标，总分{_num(framework.total_score)}分。"
            "考评按部署、自评填报、考评评分、结果反馈、申诉复核、审定、公布等阶段进行，"
            "各阶段时限另行通知。各被考评单位要对照指标和评分细则认真开展自评，按要求上传佐证材料，"
            "注明“必须上传”的佐证材料未上传的，自评不能提交；各考评单位要严格按照评分细则评分，"
            "扣分须写明理由。"
        ),
        gongwen.Paragraph("执行中遇到的问题，请及时向市委依法治市办反映。"),
    ]
    return gongwen.Document(
        title=f"关于印发《{framework.name}》的通知",
        issuer_mark=f"{issuer}文件",
        doc_number=number_for(target=framework, purpose=PURPOSE, year=framework.year, actor=actor).text,
        recipient="各县（市、区）委全面依法治县（市、区）委员会办公室，市直各考评单位：",
        blocks=blocks,
        signature=issuer,
        date=timezone.localtime(framework.locked_at).date() if framework.locked_at else timezone.localdate(),
        attachments=[gongwen.Attachment("附件", framework.name, [framework_table(structure)])],
    )


def framework_issue_export(*, actor: User, framework: Framework, kind: str) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) of the 印发通知 as docx or pdf; audited."""
    document = issue_document(framework, actor=actor)
    if kind == "pdf":
        content, mime = gongwen.render_pdf(document), gongwen.PDF_MIME
    else:
        content, mime = gongwen.render_docx(document), gongwen.DOCX_MIME
    audit_record(
        actor=actor,
        action="assessments.framework.issued",
        target=framework,
        data={"format": kind, "doc_number": document.doc_number},
    )
    return content, f"{document.title}.{kind}", mime
