from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from documents import gongwen
from performance.engine import (
    DEFAULT_RULE_SET,
    RuleSetError,
    available_rule_sets,
    load_rule_set,
    score_evaluation,
)
from performance.engine.inputs import InputError
from performance.engine.values import format_number
from performance.loading import load_path
from performance.report import ReportInput, build_report
from performance.standard_table import write_table


class Command(BaseCommand):
    help = (
        "项目支出绩效自评。`fazhi selfeval score FILE [--rules NAME] --json` 按评分规则核算（默认 "
        f"{DEFAULT_RULE_SET}：财预〔2020〕10号，预算执行率10分＝执行率×10，最高10分；产出50、效益30、满意度10）；"
        "`fazhi selfeval report FILE -o OUT.docx|OUT.pdf` 生成六部分自评报告；"
        "`fazhi selfeval export FILE -o OUT.xlsx` 导出标准自评表。FILE 为标准自评表 .xlsx 或 JSON。"
        "输入有误时退出码为 2，并指出行号和字段。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        score = sub.add_parser("score", help="核算得分并列出问题")
        report = sub.add_parser("report", help="生成自评报告（docx 或 pdf）")
        export = sub.add_parser("export", help="导出标准自评表（xlsx）")
        for p in (score, report, export):
            p.add_argument("file", help="标准自评表 .xlsx 或 JSON 文件")
            p.add_argument(
                "--rules",
                default=DEFAULT_RULE_SET,
                help=f"评分规则集名称或 JSON 文件路径（可选：{'、'.join(available_rule_sets())}）",
            )
            p.add_argument("--json", action="store_true", help="以 JSON 输出")
        for p in (report, export):
            p.add_argument("-o", "--output", required=True, help="输出文件")
        report.add_argument("--no-check", action="store_true", help="不附评分规则核对情况（附表2）")

    def fail(self, options: dict[str, Any], error: dict[str, Any], status: int = 2) -> None:
        if options.get("json"):
            self.stdout.write(json.dumps({"error": error}, ensure_ascii=False))
        else:
            self.stderr.write(error["message"])
        sys.exit(status)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rules = load_rule_set(options["rules"])
            loaded = load_path(options["file"])
        except InputError as exc:
            self.fail(options, exc.as_dict())
        except RuleSetError as exc:
            self.fail(options, {"code": "invalid_rules", "message": str(exc), "field": "--rules"})
        except Exception as exc:  # bad input must never end in a traceback
            self.fail(
                options, {"code": "invalid_input", "message": f"无法读取输入：{type(exc).__name__}: {exc}"}
            )
        result = score_evaluation(loaded.evaluation, rules)
        action = options["action"]
        if action == "score":
            self.print_score(result, options)
            return
        output = Path(options["output"])
        try:
            if action == "export":
                if output.suffix.lower() != ".xlsx":
                    self.fail(
                        options,
                        {"code": "invalid_output", "message": "导出文件名应以 .xlsx 结尾。", "field": "-o"},
                    )
                data = write_table(loaded.evaluation, result, loaded.meta, budget_weight=rules.budget_weight)
            else:
                if output.suffix.lower() not in (".docx", ".pdf"):
                    self.fail(
                        options,
                        {
                            "code": "invalid_output",
                            "message": "报告文件名应以 .docx 或 .pdf 结尾。",
                            "field": "-o",
                        },
                    )
                document = build_report(
                    ReportInput(
                        loaded.evaluation,
                        result,
                        rules,
                        loaded.narrative,
                        loaded.meta.implementing_unit,
                        include_check=not options["no_check"],
                    )
                )
                data = (
                    gongwen.render_pdf(document)
                    if output.suffix.lower() == ".pdf"
                    else gongwen.render_docx(document)
                )
            output.write_bytes(data)
        except OSError as exc:
            self.fail(
                options,
                {"code": "write_failed", "message": f"无法写入 {output}：{exc.strerror}", "field": "-o"},
                1,
            )
        if options.get("json"):
            self.stdout.write(
                json.dumps(
                    {
                        "output": str(output),
                        "bytes": len(data),
                        "total": float(result.total),
                        "findings": len(result.findings),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(
                f"已写入 {output}（{len(data):,} 字节）；核算总分 {format_number(result.total)} 分，"
                f"{len(result.findings)} 条核对意见。"
            )

    def print_score(self, result: Any, options: dict[str, Any]) -> None:
        if options.get("json"):
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        rate = "—" if result.execution_rate is None else f"{format_number(result.execution_rate)}%"
        self.stdout.write(f"预算执行率 {rate}，执行率得分 {format_number(result.execution_score) or '—'} 分")
        for r in result.indicators:
            self.stdout.write(
                f"  {r.name}：分值 {format_number(r.indicator.weight)}，填报 "
                f"{format_number(r.indicator.declared_score) or '—'}，核算 {format_number(r.score) or '—'}"
            )
        self.stdout.write(
            f"核算总分 {format_number(result.total)} 分（最高 {format_number(result.max_total)} 分），"
            f"等级 {result.grade}；填报总分 {format_number(result.declared_total) or '—'} 分"
        )
        for f in result.findings:
            self.stdout.write(f"  [{f.code}] {f.message}")
        self.stdout.write(f"共 {len(result.findings)} 条核对意见。")
