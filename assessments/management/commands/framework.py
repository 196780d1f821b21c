"""`fazhi framework import FILE --dry-run --json`: read a 考评办法 table as an
office published it (.xlsx or Word .docx) and print what was understood;
without --dry-run save it as a draft framework (--year, --name)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from assessments.framework_import import ParsedTable, TableError, parse_file
from assessments.framework_import.model import KIND_LABELS, points_text
from assessments.services.frameworks import framework_import_table

MAX_FILE_BYTES = 32 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "考评办法表格。`fazhi framework import FILE --dry-run --json` 读取各地各部门印发的考评办法表格"
        "（.xlsx 或 Word .docx 中的表格），输出识别出的板块、二级指标、指标、细则和发现的问题，不保存；"
        "不加 --dry-run 时保存为草稿考评办法（须指定 --year，可用 --name 命名）。"
        "表格可以识别（允许有“发现”）时退出码为 0；无法识别（没有表头、没有指标、不是表格、文件无法读取）"
        '时退出码为 2，并输出 {"error": "…"}。'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import", help="导入考评办法表格（xlsx/docx）")
        p.add_argument("file", help="表格文件（.xlsx 或 .docx）")
        p.add_argument("--dry-run", action="store_true", help="只识别并输出，不保存")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")
        p.add_argument("--year", help="保存时的考评年度，例如 2025")
        p.add_argument("--name", default="", help="保存时的名称（默认用表格标题）")

    def fail(self, message: str, as_json: bool) -> None:
        """Exit 2 with the contract's {"error": "…"} (a string) and the message on stderr."""
        if as_json:
            self.stdout.write(json.dumps({"error": message}, ensure_ascii=False))
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = bool(options["json"])
        year = self.year(options, as_json)
        content = self.read(options["file"], as_json)
        try:
            table = parse_file(content, Path(options["file"]).name)
        except TableError as exc:
            self.fail(exc.message, as_json)
            return
        if options["dry_run"]:
            self.show(table, as_json)
            return
        assert year is not None
        try:
            framework = framework_import_table(actor=None, table=table, year=year, name=options["name"])
        except ValidationError as exc:
            self.fail("；".join(exc.messages), as_json)
            return
        saved = {
            "id": framework.pk,
            "year": framework.year,
            "version": framework.version,
            "name": framework.name,
        }
        if as_json:
            self.stdout.write(json.dumps({**table.as_json(), "saved": saved}, ensure_ascii=False))
        else:
            self.show(table, False)
            self.stdout.write(
                f"已保存为草稿考评办法「{framework.name}」（{framework.year} 年度第 {framework.version} 版，编号 {framework.pk}）。"
            )

    def year(self, options: dict[str, Any], as_json: bool) -> int | None:
        raw = str(options.get("year") or "").strip()
        if not raw:
            if not options["dry_run"]:
                self.fail("保存时须用 --year 指定考评年度（只查看识别结果请加 --dry-run）。", as_json)
            return None
        if not (raw.isascii() and raw.isdigit() and len(raw) == 4 and 1900 < int(raw) < 3000):
            self.fail(f"年度须为四位数字，收到的是“{raw[:20]}”。", as_json)
        return int(raw)

    def read(self, name: str, as_json: bool) -> bytes:
        path = Path(name)
        if not path.is_file():
            self.fail(f"找不到文件或不是普通文件：{name}", as_json)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.fail(f"文件过大，不应超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。", as_json)
            return path.read_bytes()
        except OSError as exc:
            self.fail(f"无法读取文件 {name}：{exc.strerror or exc}", as_json)
        return b""

    def show(self, table: ParsedTable, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(table.as_json(), ensure_ascii=False))
            return
        for line in summary_lines(table):
            self.stdout.write(line)


def summary_lines(table: ParsedTable) -> list[str]:
    """The table as a reader checks it: levels indented, every number, then the findings."""
    lines = [f"标题：{table.title or '（无）'}", f"合计：{points_text(table.total)} 分"]
    for section in table.sections:
        lines.append(f"板块「{section.name}」 {points_text(section.points)} 分")
        for group in section.groups:
            indent = "  "
            if group.name is not None:
                lines.append(f"  二级指标「{group.name}」 {points_text(group.points)} 分")
                indent = "    "
            for indicator in group.indicators:
                code = f"{indicator.code} " if indicator.code else ""
                lines.append(f"{indent}指标 {code}{indicator.name} {points_text(indicator.points)} 分")
                for rule in indicator.rules:
                    each = (
                        f"，每次 {points_text(rule.points_each)} 分" if rule.points_each is not None else ""
                    )
                    cap = f"，上限 {points_text(rule.cap)} 分" if rule.cap is not None else ""
                    lines.append(f"{indent}  · [{KIND_LABELS[rule.kind]}{each}{cap}] {rule.text}")
    lines.append(
        f"共 {len(table.sections)} 个板块、{len(table.indicators)} 个指标、"
        f"{sum(len(i.rules) for i in table.indicators)} 条细则；发现 {len(table.findings)} 个问题。"
    )
    lines += [f"  ! {f.where}：{f.message}（{f.code}）" for f in table.findings]
    return lines
