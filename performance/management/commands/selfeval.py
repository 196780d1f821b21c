from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from documents import gongwen, watermark
from fazhi.cli import BadInput
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

INPUT_SUFFIXES = (".xlsx", ".json")
OUTPUT_SUFFIXES = {"report": (".docx", ".pdf"), "export": (".xlsx",)}


def _output_path(raw: str, suffixes: tuple[str, ...], source: Path) -> Path:
    """The output file, checked before any work: its type, an existing writable
    directory, not a directory itself and not the input file."""
    output = Path(raw)
    if output.suffix.lower() not in suffixes:
        kinds = " 或 ".join(suffixes)
        raise BadInput(f"输出文件名应以 {kinds} 结尾：{raw}", code="invalid_output", field="-o")
    if output.is_dir():
        raise BadInput(f"{raw} 是一个目录，请给出文件名。", code="invalid_output", field="-o")
    parent = output.parent
    if not parent.is_dir():
        raise BadInput(f"输出目录不存在：{parent}", code="invalid_output", field="-o")
    if not os.access(parent, os.W_OK | os.X_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise BadInput(f"没有权限写入 {output}。", code="write_failed", field="-o")
    if output.exists() and source.exists() and output.resolve() == source.resolve():
        raise BadInput("输出文件不能与输入文件相同。", code="invalid_output", field="-o")
    return output


def _write_atomically(output: Path, data: bytes) -> None:
    """Write beside the target and rename, so a failure never leaves half a file."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".fazhi-", suffix=output.suffix, dir=output.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, output)
        tmp = None
    except OSError as exc:
        raise BadInput(f"无法写入 {output}：{exc.strerror or exc}", code="write_failed", field="-o") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class Command(BaseCommand):
    help = (
        "项目支出绩效自评。`fazhi selfeval score FILE [--rules NAME] --json` 按评分规则核算（默认 "
        f"{DEFAULT_RULE_SET}：财预〔2020〕10号，预算执行率10分＝执行率×10，最高10分；产出50、效益30、满意度10）；"
        "`fazhi selfeval report FILE -o OUT.docx|OUT.pdf` 生成六部分自评报告；"
        "`fazhi selfeval export FILE -o OUT.xlsx` 导出标准自评表。FILE 为标准自评表 .xlsx 或 JSON。"
        "评分规则只能是已安装规则的名称。输入有误时退出码为 2，并指出行号和字段。"
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
                help=f"评分规则名称（已安装的规则：{'、'.join(available_rule_sets())}）",
            )
            p.add_argument("--json", action="store_true", help="以 JSON 输出")
        for p in (report, export):
            p.add_argument("-o", "--output", required=True, help="输出文件")
        report.add_argument("--no-check", action="store_true", help="不附评分规则核对情况（附表2）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        source = Path(options["file"])
        if source.suffix.lower() not in INPUT_SUFFIXES:
            raise BadInput(
                f"不支持的文件类型“{source.suffix or source.name}”，请提供 .xlsx 自评表或 .json 文件。",
                code="invalid_input",
                field="file",
            )
        output = (
            _output_path(options["output"], OUTPUT_SUFFIXES[action], source) if action != "score" else None
        )
        try:
            rules = load_rule_set(options["rules"])
        except RuleSetError as exc:
            raise BadInput(str(exc), code="invalid_rules", field="--rules") from None
        try:
            loaded = load_path(str(source))
        except InputError as exc:
            details = exc.as_dict()
            raise BadInput(details.pop("message"), **details) from None
        result = score_evaluation(loaded.evaluation, rules)
        if output is None:
            self.print_score(result, options)
            return
        if action == "export":
            data = write_table(loaded.evaluation, result, loaded.meta, budget_weight=rules.budget_weight)
        else:
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
            pdf = output.suffix.lower() == ".pdf"
            data = gongwen.render_pdf(document) if pdf else gongwen.render_docx(document)
        if watermark.enabled():  # who wrote it and when, as on every export
            data = watermark.stamp(data, watermark.mime_for(output.name), watermark.cli_text())
        _write_atomically(output, data)
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
