"""The published documents of a campaign, built from its snapshot only:
通报 (docx, 公文格式 through documents.gongwen), the ranking (xlsx) and each
target's 反馈 report (docx) listing every lost point with its rule, reason and
evidence. Exports are audited by `publication_export`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from assessments import access, scoring
from assessments.models import Publication
from assessments.selectors.publication import publication_check, snapshot_for
from audit.services import audit_record
from documents import gongwen
from documents.xlsx import XLSX_MIME, table_workbook
from notices.numbers import number_for

GRADE_ORDER = (scoring.EXCELLENT, scoring.GOOD, scoring.FAIR, scoring.FAIL)
KIND_LABELS = {"deduct": "扣分", "add": "加分", "veto": "一票否决", "grade": "等级"}


def _num(value: Any) -> str:
    """Points as the office writes them: 92.5, 100, 0.25."""
    if value in (None, ""):
        return "—"
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def _grouped(digest: str) -> str:
    """A hex digest in groups of 16, so that it wraps on a printed page."""
    return " ".join(digest[i : i + 16] for i in range(0, len(digest), 16))


def _published_on(publication: Publication) -> Any:
    when = parse_datetime(publication.snapshot.get("published_at", "")) or publication.published_at
    return timezone.localtime(when).date() if timezone.is_aware(when) else when.date()


def _issuer(publication: Publication) -> str:
    user = publication.published_by
    if user is not None and user.org is not None:
        return user.org.name
    return "市委全面依法治市委员会办公室"


def _grade_groups(ranking: Sequence[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for row in ranking:
        groups.setdefault(row["grade"], []).append(row["name"])
    ordered = [g for g in GRADE_ORDER if g in groups] + [g for g in groups if g not in GRADE_ORDER]
    return [(g, groups[g]) for g in ordered]


def rules_sentences(rules: dict[str, Any]) -> list[str]:
    thresholds = sorted(
        ((k, Decimal(v)) for k, v in rules.get("thresholds", {}).items()), key=lambda kv: -kv[1]
    )
    parts = [f"{grade}{_num(value)}分及以上" for grade, value in thresholds]
    lines = [
        "等次按总分划分："
        + "，".join(parts)
        + f"，低于{_num(thresholds[-1][1]) if thresholds else '—'}分为不合格；"
        "被一票否决的单位评为不合格，不论得分。"
    ]
    if rules.get("excellent_quota") is not None:
        lines.append(f"优秀等次名额为{rules['excellent_quota']}个，按名次确定，超出名额的单位评为良好。")
    weight = Decimal(str(rules.get("social_weight") or 0))
    lines.append(
        f"总分＝指标得分＋加分（上限{_num(rules.get('bonus_cap'))}分）－负面清单扣分"
        + (f"，再与社会评议得分按{_num(1 - weight)}∶{_num(weight)}加权合成。" if weight else "。")
    )
    keys = [scoring.TIE_BREAK_LABELS.get(k, k) for k in rules.get("tie_break", [])]
    lines.append("总分相同时依次按以下规则排序：" + "；".join(keys) + "。")
    return lines


# --------------------------------------------------------------------------- 通报


def _audit_head_sentence(publication: Publication) -> str:
    """The audit log's head at publication, so that paper anchors the log too."""
    check = publication_check(publication)
    if check.audit_seq is None:
        return ""
    return f"公布时审计日志链头为第{check.audit_seq}条记录，其哈希值为{_grouped(check.audit_hash)}。"


def _ranking_table(ranking: Sequence[dict[str, Any]], year: int) -> gongwen.Table:
    """The notice's ranking; with 分类考评, each unit's class and its 折算百分制
    score of the indicators (what the grade was given on)."""
    classed = any(row.get("unit_class") for row in ranking)
    head: list[Any] = ["名次", "单位", "总分", "指标得分", "加分", "负面清单扣分", "社会评议", "等次"]
    widths: tuple[float, ...] = (1, 2.2, 1.2, 1.3, 1, 1.4, 1.3, 1.6)
    if classed:
        head[3:3] = ["类别", "折算得分"]
        widths = (1, 2, 1.1, 1.2, 1.1, 1.2, 0.9, 1.3, 1.1, 1.6)
    rows = []
    for row in ranking:
        cells = [
            row["rank"],
            row["name"],
            _num(row["total"]),
            _num(row["indicator_total"]),
            _num(row["bonus"]),
            _num(row["deductions"]),
            _num(row["social"]),
            row["grade"] + ("（一票否决）" if row["veto"] else ""),
        ]
        if classed:
            cells[3:3] = [row.get("unit_class") or "—", _num(row.get("converted"))]
        rows.append(cells)
    return gongwen.Table([head, *rows], widths=widths, caption=f"{year}年度法治建设考评结果")


def notice_document(publication: Publication) -> gongwen.Document:
    snap = publication.snapshot
    year = snap["campaign"]["year"]
    ranking = snap["ranking"]
    sections = snap.get("sections", [])
    grades = _grade_groups(ranking)
    blocks: list[gongwen.Block] = [
        gongwen.Paragraph(
            f"根据《{snap['framework']['name']}》，市委依法治市办组织各考评单位对{len(ranking)}个"
            f"县（市、区）{year}年度法治建设情况进行了考评。经自评填报、考评评分、结果反馈、申诉复核和审定，"
            "现将考评结果通报如下。"
        ),
        gongwen.Heading("考评结果"),
        gongwen.Paragraph(
            "；".join(f"{grade}等次（{len(names)}个）：{'、'.join(names)}" for grade, names in grades) + "。"
        ),
        _ranking_table(ranking, year),
        gongwen.Heading("计分与排名规则"),
        *[gongwen.Paragraph(line) for line in rules_sentences(snap["rules"])],
        gongwen.Heading("有关要求"),
        gongwen.Paragraph(
            "各县（市、区）要对照考评反馈的失分项，认真分析原因，逐项制定整改措施，明确责任单位和完成时限，"
            "于通报印发之日起30日内将整改方案报市委依法治市办。"
        ),
        gongwen.Paragraph(
            "获评优秀等次的单位要总结经验、巩固提升；考评结果为一般或不合格的单位要深入查找短板弱项，"
            "主要负责同志要切实履行推进法治建设第一责任人职责，确保整改落实到位。"
        ),
        gongwen.Paragraph(
            f"本通报所列结果与{timezone.localtime(publication.published_at):%Y年%-m月%-d日}公布的考评结果快照一致，"
            f"快照SHA-256校验值为{_grouped(publication.sha256)}。" + _audit_head_sentence(publication)
        ),
    ]
    attachments = []
    if sections:
        by_section = snap.get("section_totals", {})
        attachments.append(
            gongwen.Attachment(
                "附表",
                f"{year}年度法治建设考评各板块得分",
                [
                    gongwen.Table(
                        [["单位", *[f"{s['name']}（{_num(s['max'])}分）" for s in sections], "总分"]]
                        + [
                            [
                                row["name"],
                                *[_num(by_section.get(row["code"], {}).get(s["code"])) for s in sections],
                                _num(row["total"]),
                            ]
                            for row in ranking
                        ],
                        widths=(2, *[1.4] * len(sections), 1.2),
                        font_size=9,
                    )
                ],
            )
        )
    return gongwen.Document(
        title=f"关于{year}年度法治建设考评结果的通报",
        doc_number=number_for(target=publication, purpose="考评结果通报", year=year + 1).text,
        recipient="各县（市、区）委全面依法治县（市、区）委员会办公室，市直各考评单位：",
        blocks=blocks,
        signature=_issuer(publication),
        date=_published_on(publication),
        attachments=attachments,
    )


def notice_docx(publication: Publication) -> bytes:
    return gongwen.render_docx(notice_document(publication))


# --------------------------------------------------------------------------- 反馈


def feedback_document(publication: Publication, target_code: str) -> gongwen.Document:
    snap = publication.snapshot
    year = snap["campaign"]["year"]
    row = next(r for r in snap["ranking"] if r["code"] == target_code)
    indicators = {i["code"]: i for i in snap.get("indicators", [])}
    section_names = {s["code"]: s["name"] for s in snap.get("sections", [])}
    lost = snap.get("lost", {}).get(target_code, [])
    sections_total = snap.get("section_totals", {}).get(target_code, {})
    total_lost = sum((Decimal(e["points_lost"]) for e in lost), Decimal(0))
    blocks: list[gongwen.Block] = [
        gongwen.Paragraph(
            f"根据《{snap['framework']['name']}》，现将你单位{year}年度法治建设考评结果反馈如下：总分{_num(row['total'])}分，"
            f"在{len(snap['ranking'])}个被考评单位中排名第{row['rank']}位，等次为{row['grade']}"
            + ("（一票否决）" if row["veto"] else "")
            + f"。共有{len(lost)}项指标失分，合计失分{_num(total_lost)}分。"
        ),
        gongwen.Heading("各板块得分"),
        gongwen.Table(
            [["板块", "分值", "得分", "失分"]]
            + [
                [
                    s["name"],
                    _num(s["max"]),
                    _num(sections_total.get(s["code"])),
                    _num(Decimal(s["max"]) - Decimal(sections_total.get(s["code"]) or 0))
                    if Decimal(s["max"])
                    else "—",
                ]
                for s in snap.get("sections", [])
            ],
            widths=(3, 1, 1, 1),
        ),
        gongwen.Heading("失分项明细"),
    ]
    if not lost:
        blocks.append(gongwen.Paragraph("本年度考评各项指标均未失分。"))
    for entry in lost:
        ind = indicators.get(entry["indicator"], {})
        blocks.append(
            gongwen.Heading(
                f"{entry['indicator']} {ind.get('name', '')}（{section_names.get(ind.get('section', ''), '')}，"
                f"分值{_num(entry['max'])}分，得分{_num(entry['score'])}分，失分{_num(entry['points_lost'])}分）",
                level=2,
            )
        )
        blocks.append(gongwen.Paragraph(f"扣分理由：{entry.get('reason') or '—'}"))
        if entry.get("evidence_note"):
            blocks.append(gongwen.Paragraph(f"查阅佐证：{entry['evidence_note']}"))
        items = entry.get("items") or []
        if items:
            blocks.append(
                gongwen.Table(
                    [list[gongwen.CellLike](["评分细则", "类型", "分数", "理由", "佐证"])]
                    + [
                        [
                            gongwen.Cell(f"{i['rule']} {i['rule_text']}".strip() or "—", align="left"),
                            KIND_LABELS.get(i["kind"], i["kind"]),
                            _num(i["points"]),
                            gongwen.Cell(i.get("reason") or "—", align="left"),
                            gongwen.Cell(i.get("evidence_note") or "—", align="left"),
                        ]
                        for i in items
                    ],
                    widths=(3.2, 1, 0.8, 2.5, 2),
                )
            )
        who = "；".join(
            part
            for part in (
                f"考评单位：{entry['assessor']}" if entry.get("assessor") else "",
                f"经办：{entry['entered_by']}" if entry.get("entered_by") else "",
                f"审核：{entry['reviewed_by']}" if entry.get("reviewed_by") else "",
            )
            if part
        )
        if who:
            blocks.append(gongwen.Paragraph(who + "。"))
    blocks += [
        gongwen.Heading("整改要求"),
        gongwen.Paragraph(
            "请对照上述失分项逐项分析原因，制定整改措施，明确责任人和完成时限，"
            "于收到本反馈之日起30日内将整改情况报市委依法治市办。整改情况将纳入下一年度考评。"
        ),
    ]
    return gongwen.Document(
        title=f"{row['name']}{year}年度法治建设考评结果反馈",
        doc_number=number_for(
            target=publication, purpose=f"考评结果反馈（{row['name']}）", year=year + 1
        ).text,
        recipient=_feedback_recipient(row["name"]),
        blocks=blocks,
        signature=_issuer(publication),
        date=_published_on(publication),
    )


def _feedback_recipient(name: str) -> str:
    level = name[-1] if name.endswith(("区", "市", "县")) else ""
    return f"{name}委全面依法治{level}委员会办公室：" if level else f"{name}："


def feedback_docx(publication: Publication, target_code: str) -> bytes:
    return gongwen.render_docx(feedback_document(publication, target_code))


# --------------------------------------------------------------------------- ranking xlsx

RANKING_HEADERS = [
    "名次",
    "行政区划代码",
    "单位",
    "总分",
    "指标得分",
    "加分",
    "负面清单扣分",
    "社会评议",
    "失分",
    "等次",
    "一票否决",
]


def ranking_rows(ranking: Sequence[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            r["rank"],
            r["code"],
            r["name"],
            float(r["total"]),
            float(r["indicator_total"]),
            float(r["bonus"]),
            float(r["deductions"]),
            None if r["social"] is None else float(r["social"]),
            _float(r.get("lost")),  # absent from rows the reader may not see in full
            r["grade"],
            "是" if r["veto"] else "否",
        ]
        for r in ranking
    ]


def ranking_xlsx(publication: Publication, *, complete: bool = True, own: str | None = None) -> bytes:
    """The ranking workbook as one reader may see it: for the office every
    sheet in full; for anyone else the ranking's public columns of every
    target and the 失分, 板块 and indicator rows of its own org only."""
    snap = snapshot_for(publication.snapshot, complete=complete, own=own)
    sections = snap.get("sections", [])
    indicators = snap.get("indicators", [])
    ranking = snap["ranking"]
    detailed = [r for r in ranking if complete or r["code"] == own]
    by_section = snap.get("section_totals", {})
    scores = snap.get("scores", {})
    return table_workbook(
        [
            ("排名", RANKING_HEADERS, ranking_rows(ranking)),
            (
                "板块得分",
                ["单位", *[s["name"] for s in sections]],
                [
                    [r["name"], *[_float(by_section.get(r["code"], {}).get(s["code"])) for s in sections]]
                    for r in detailed
                ],
            ),
            (
                "指标得分",
                ["单位", *[f"{i['code']} {i['name']}（{_num(i['max'])}）" for i in indicators]],
                [
                    [r["name"], *[_float(scores.get(r["code"], {}).get(i["code"])) for i in indicators]]
                    for r in detailed
                ],
            ),
            (
                "快照校验",
                ["项目", "值"],
                [
                    ["考评", snap["campaign"]["name"]],
                    ["公布时间", snap["published_at"]],
                    ["SHA-256", publication.sha256],
                ],
            ),
        ]
    )


def _float(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


# --------------------------------------------------------------------------- audited export


def publication_export(
    *, actor: User, publication: Publication, kind: str, target_code: str | None = None
) -> tuple[bytes, str, str]:
    """(content, filename, content type) of one published document; audited."""
    year = publication.snapshot["campaign"]["year"]
    if kind == "notice":
        content, name, mime = (
            notice_docx(publication),
            f"{year}年度法治建设考评结果通报.docx",
            gongwen.DOCX_MIME,
        )
    elif kind == "ranking":
        complete, own = access.results_reader(actor)
        content = ranking_xlsx(publication, complete=complete, own=own)
        name, mime = f"{year}年度法治建设考评排名.xlsx", XLSX_MIME
    elif kind == "feedback" and target_code:
        row = next(r for r in publication.snapshot["ranking"] if r["code"] == target_code)
        content = feedback_docx(publication, target_code)
        name, mime = f"{row['name']}{year}年度考评结果反馈.docx", gongwen.DOCX_MIME
    else:
        raise ValueError(kind)
    audit_record(
        actor=actor,
        action="assessments.publication.exported",
        target=publication,
        data={"kind": kind, "target": target_code, "filename": name, "sha256": publication.sha256},
    )
    return content, name, mime
