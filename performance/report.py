"""The 项目支出绩效自评报告 in the seed's six sections, as a 公文 document model.

Every figure in the text comes from the data: the narrative may name figures by
placeholder ({全年预算数}, {全年执行数}, {执行率}, {自评得分} …), and where it does
not, the sections on 投入 and 过程 get a generated sentence carrying them, so a
figure is never typed twice. 附表1 is the 自评表; 附表2 (when the rules find
something) lists the declared against the computed score for each line.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from documents import gongwen
from documents.gongwen import Attachment, Cell, Heading, Paragraph, Table
from performance.engine.model import ERROR, Evaluation, Result
from performance.engine.rules import RuleSet
from performance.engine.values import format_money, format_number

SECTIONS = (
    ("项目概况", (("项目立项背景和依据", "background"), ("项目完成情况", "completion"))),
    ("项目组织实施情况", (("投入", "input"), ("过程", "process"))),
    ("项目绩效情况", (("目标设置情况", "target_setting"), ("绩效完成情况", "performance"))),
    ("项目主要做法和经验", (("", "practices"),)),
    ("存在问题及建议", (("", "problems"),)),
    ("项目自评结论及得分", (("", "conclusion"),)),
)
NARRATIVE_LABELS = {
    "background": "项目立项背景和依据",
    "completion": "项目完成情况",
    "input": "投入",
    "process": "过程",
    "target_setting": "目标设置情况（补充说明）",
    "performance": "绩效完成情况",
    "practices": "项目主要做法和经验",
    "problems": "存在问题及建议",
    "conclusion": "自评结论（补充说明）",
}
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）\S")
_WAN = Decimal(10000)


@dataclass
class ReportInput:
    evaluation: Evaluation
    result: Result
    rules: RuleSet
    narrative: dict[str, str] = field(default_factory=dict)
    implementing_unit: str = ""
    date: datetime.date | None = None
    include_check: bool = True  # 附表2 with the findings of the rules


def placeholders(ev: Evaluation, result: Result) -> dict[str, str]:
    """The figures a narrative may name, e.g. "全年度实际支出{全年执行数}元"."""
    indicator_total = sum(
        (r.score or Decimal(0) for r in result.indicators if r.indicator.applicable), Decimal(0)
    )
    return {
        "年度": str(ev.year or ""),
        "项目名称": ev.project,
        "主管部门": ev.department,
        "年初预算数": format_money(ev.budget_initial),
        "全年预算数": format_money(ev.budget_adjusted),
        "全年执行数": format_money(ev.budget_executed),
        "执行率": f"{format_number(result.execution_rate)}%" if result.execution_rate is not None else "—",
        "执行率得分": format_number(result.execution_score),
        "指标得分": format_number(indicator_total),
        "自评得分": format_number(ev.declared_total),
        "核算得分": format_number(result.total),
        "最高得分": format_number(result.max_total),
        "等级": result.grade,
    }


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def narrative_blocks(text: str) -> list[gongwen.Block]:
    """Lines of narrative as paragraphs; a short "（一）…" line becomes a level-2 heading."""
    blocks: list[gongwen.Block] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if _SUBHEADING.match(line) and len(line) <= 60 and not line.endswith("。"):
            blocks.append(Heading(line, 2, numbered=False))
        else:
            blocks.append(Paragraph(line))
    return blocks


def _target_text(ind_target: object) -> str:
    from performance.engine.values import Value

    assert isinstance(ind_target, Value)
    return ind_target.text or ind_target.display()


def _actual_text(actual: object) -> str:
    if actual is None:
        return "未填写"
    if isinstance(actual, Decimal):
        return format_number(actual)
    return str(actual)


class _Builder:
    def __init__(self, data: ReportInput) -> None:
        self.data = data
        self.ev = data.evaluation
        self.result = data.result
        self.values = placeholders(self.ev, self.result)
        self.has_check = data.include_check and bool(self.result.findings)

    def text(self, key: str) -> str:
        return fill(self.data.narrative.get(key, "") or "", self.values)

    def build(self) -> gongwen.Document:
        blocks: list[gongwen.Block] = []
        for title, subsections in SECTIONS:
            blocks.append(Heading(title))
            for subtitle, key in subsections:
                if subtitle:
                    blocks.append(Heading(subtitle, 2))
                blocks.extend(self.section(key))
        year = f"{self.ev.year}年度" if self.ev.year else ""
        attachments = [
            Attachment("附表1" if self.has_check else "附表", "项目支出绩效自评表", [self.table()])
        ]
        if self.has_check:
            attachments.append(Attachment("附表2", "评分规则核对情况", self.check()))
        return gongwen.Document(
            title=f"{year}{self.ev.project}项目绩效自评报告",
            subtitle=f"（{self.ev.department}）" if self.ev.department else "",
            blocks=blocks,
            signature=self.ev.department,
            date=self.data.date,
            attachments=attachments,
            author=self.ev.department or "fazhi",
        )

    def section(self, key: str) -> list[gongwen.Block]:
        raw = self.data.narrative.get(key, "") or ""
        blocks = narrative_blocks(self.text(key))
        v = self.values
        if key == "input" and "{全年预算数}" not in raw and "{年初预算数}" not in raw:
            sentence = f"{v['年度']}年度部门预算安排财政资金{v['全年预算数']}元"
            if self.ev.budget_initial is not None and self.ev.budget_initial != self.ev.budget_adjusted:
                sentence += f"（年初预算数{v['年初预算数']}元）"
            blocks.insert(0, Paragraph(sentence + "。"))
        elif key == "process" and "{全年执行数}" not in raw:
            blocks.append(Paragraph(f"全年实际支出{v['全年执行数']}元，预算执行率{v['执行率']}。"))
        if key == "process" and self.ev.execution_reason:
            blocks.append(Paragraph(f"预算执行偏差原因：{self.ev.execution_reason}"))
        if key == "target_setting":
            lines = []
            if self.ev.goal:
                lines.append(Paragraph(f"年度总体目标：{self.ev.goal}"))
            lines += [
                Paragraph(f"{i}、{ind.name}{_target_text(ind.target)}")
                for i, ind in enumerate(self.ev.indicators, start=1)
                if ind.applicable
            ]
            blocks = lines + blocks
        if key == "performance":
            blocks.insert(0, Paragraph(self.performance_summary()))
        if key == "conclusion":
            blocks = self.conclusion() + blocks
        return blocks

    def performance_summary(self) -> str:
        parts = []
        for r in self.result.indicators:
            ind = r.indicator
            if not ind.applicable:
                parts.append(f"{ind.name}不适用")
                continue
            parts.append(f"{ind.name}指标值为{_target_text(ind.target)}，实际完成{_actual_text(ind.actual)}")
        return "各项绩效指标完成情况：" + "；".join(parts) + "。" if parts else "本项目未设置绩效指标。"

    def conclusion(self) -> list[gongwen.Block]:
        v, r = self.values, self.result
        see = "附表1" if self.has_check else "附表"
        blocks: list[gongwen.Block] = []
        if self.ev.declared_total is not None:
            blocks.append(
                Paragraph(
                    f"根据项目绩效自评指标评分标准，该项目自评得分为{v['自评得分']}分，具体自评情况见{see}。"
                )
            )
        rules = self.data.rules
        blocks.append(
            Paragraph(
                f"按{rules.source_short}评分规则核算：预算执行率{v['执行率']}，执行率得分{v['执行率得分'] or '—'}分，"
                f"绩效指标得分{v['指标得分']}分，合计{v['核算得分']}分（按规则最高可得{v['最高得分']}分），"
                f"评价等级为“{r.grade}”。"
            )
        )
        errors = [f for f in r.findings if f.severity == ERROR]
        if self.has_check:
            blocks.append(
                Paragraph(
                    f"经核对，自评表有{len(errors)}处与评分规则不符、{len(r.findings) - len(errors)}处需说明或复核，"
                    "详见附表2。"
                    if errors
                    else f"经核对，自评表有{len(r.findings)}处需说明或复核，详见附表2。"
                )
            )
        return blocks

    def table(self) -> Table:
        ev = self.ev
        head = lambda text, **kw: Cell(text, bold=True, **kw)  # noqa: E731
        wan = [
            format_number(None if x is None else x / _WAN)
            for x in (ev.budget_initial, ev.budget_adjusted, ev.budget_executed)
        ]
        rows: list[list[gongwen.CellLike]] = [
            [head("项目名称"), Cell(ev.project, colspan=7, align="left")],
            [
                head("主管部门"),
                Cell(ev.department, colspan=3, align="left"),
                head("实施单位"),
                Cell(self.data.implementing_unit or ev.department, colspan=3, align="left"),
            ],
            [
                head("项目资金\n（万元）", rowspan=2),
                "",
                head("年初预算数"),
                head("全年预算数"),
                head("全年执行数"),
                head("分值"),
                head("执行率"),
                head("得分"),
            ],
            [
                "年度资金总额",
                wan[0],
                wan[1],
                wan[2],
                format_number(self.data.rules.budget_weight),
                self.values["执行率"],
                format_number(ev.declared_execution_score),
            ],
            [head("年度总体\n目标", rowspan=2), head("预期目标", colspan=3), head("实际完成情况", colspan=4)],
            [Cell(ev.goal, colspan=3, align="left"), Cell(ev.goal_result, colspan=4, align="left")],
            [
                head(t)
                for t in (
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "年度指标值",
                    "实际完成值",
                    "分值",
                    "得分",
                    "偏差原因分析及改进措施",
                )
            ],
        ]
        inds = ev.indicators
        spans1 = _runs([i.level1 for i in inds])
        spans2 = _runs([(i.level1, i.level2) for i in inds])
        for n, ind in enumerate(inds):
            row: list[gongwen.CellLike] = []
            if n in spans1:
                row.append(Cell(ind.level1, rowspan=spans1[n]))
            if n in spans2:
                row.append(Cell(ind.level2, rowspan=spans2[n]))
            row += [
                Cell(ind.name, align="left"),
                _target_text(ind.target),
                _actual_text(ind.actual) if ind.applicable else "不适用",
                format_number(ind.weight),
                format_number(ind.declared_score) if ind.applicable else "不适用",
                Cell(ind.deviation_reason, align="left"),
            ]
            rows.append(row)
        total_weight = sum((i.weight for i in inds), self.data.rules.budget_weight)
        rows.append(
            [head("总分", colspan=5), format_number(total_weight), format_number(ev.declared_total), ""]
        )
        return Table(rows, widths=[1.6, 1.5, 2.5, 1.6, 1.7, 0.9, 1.4, 2.0], header_rows=0)

    def check(self) -> list[gongwen.Block]:
        r = self.result
        by_indicator: dict[str, list[str]] = {}
        execution, general = [], []
        for f in r.findings:
            if f.indicator:
                by_indicator.setdefault(f.indicator, []).append(f.message)
            elif f.code.startswith(("EXECUTION", "BUDGET")):
                execution.append(f.message)
            else:
                general.append(f.message)
        rows: list[list[gongwen.CellLike]] = [["序号", "项目", "分值", "填报得分", "核算得分", "核对意见"]]
        rows.append(
            [
                "1",
                Cell("预算执行率", align="left"),
                format_number(self.data.rules.budget_weight),
                format_number(r.declared_execution_score),
                format_number(r.execution_score),
                Cell("\n".join(execution) or "相符", align="left"),
            ]
        )
        for n, ir in enumerate(r.indicators, start=2):
            ind = ir.indicator
            rows.append(
                [
                    str(n),
                    Cell(ind.name, align="left"),
                    format_number(ind.weight),
                    format_number(ind.declared_score) if ind.applicable else "不适用",
                    format_number(ir.score) if ind.applicable else "不适用",
                    Cell("\n".join(by_indicator.get(ind.name, [])) or "相符", align="left"),
                ]
            )
        rows.append(
            [
                "",
                Cell("总分", bold=True),
                format_number(sum((i.weight for i in self.ev.indicators), self.data.rules.budget_weight)),
                format_number(self.ev.declared_total),
                format_number(r.total),
                Cell("\n".join(general) or "相符", align="left"),
            ]
        )
        note = Paragraph(
            f"核对依据：{self.data.rules.source}。本表由系统按评分规则生成，供复核参考。", indent=False
        )
        return [Table(rows, widths=[0.6, 2.4, 0.8, 0.9, 0.9, 5.4]), note]


def _runs(keys: list[object]) -> dict[int, int]:
    """Start index → length of each run of equal consecutive keys (for row spans)."""
    runs: dict[int, int] = {}
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            runs[start] = i - start
            start = i
    return runs


def build_report(data: ReportInput) -> gongwen.Document:
    return _Builder(data).build()
