"""`fazhi problems stats [--json] [--year Y] [--org CODE] [--campaign ID]` and
`fazhi problems import FILE [--campaign ID] [--source S] [--as USERNAME]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fazhi.cli import BadInput
from orgs.models import Org
from problems import selectors, workflow
from problems.models import Problem, Source, SpecialCampaign

MAX_IMPORT_BYTES = 10 * 1024 * 1024


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 1900 < int(text) < 3000):
        raise BadInput(f"年度须为四位数字，收到的是“{text[:20]}”。", code="invalid_year", field="--year")
    return int(text)


def _campaign(raw: str | None) -> SpecialCampaign | None:
    if raw is None:
        return None
    text = raw.strip()
    campaign = (
        SpecialCampaign.objects.filter(pk=int(text)).first() if text.isascii() and text.isdigit() else None
    )
    if campaign is None:
        raise BadInput(f"没有编号为“{text[:20]}”的专项整治。", code="not_found", field="--campaign")
    return campaign


class Command(BaseCommand):
    help = (
        "问题线索。`fazhi problems stats --json` 输出问题统计：total（总数）、by_state（各状态数）、"
        "by_unit（各责任单位数）、overdue（逾期未办结数），以及 by_source、by_category、by_age、supervised、"
        "closure_rate（销号率，%，不计撤销的）；可按 --year 登记年度、--org 单位代码（含下级）、--campaign 专项整治编号统计。"
        "`fazhi problems import FILE.xlsx --as office` 批量登记问题线索（全部无误才导入，否则逐行列出问题，退出码 2）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        stats = sub.add_parser("stats", help="问题统计")
        stats.add_argument("--json", action="store_true", help="以 JSON 输出")
        stats.add_argument("--year", help="登记年度，例如 2023")
        stats.add_argument("--org", help="责任单位的机构代码（含下级单位）")
        stats.add_argument("--campaign", help="专项整治编号")
        imp = sub.add_parser("import", help="从 xlsx 批量登记问题线索")
        imp.add_argument("file", help=".xlsx 文件")
        imp.add_argument("--as", dest="username", required=True, help="登记人（依法治办账号）")
        imp.add_argument("--campaign", help="专项整治编号")
        imp.add_argument(
            "--source", default=Source.OTHER, choices=Source.values, help="「来源」列为空时的来源"
        )
        imp.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
            return
        qs = Problem.objects.all()
        if options.get("org"):
            org = Org.objects.filter(code=options["org"].strip()).first()
            if org is None:
                raise BadInput(
                    f"没有机构代码为“{options['org'][:32]}”的单位。", code="not_found", field="--org"
                )
            qs = qs.filter(org__path__startswith=org.path)
        campaign = _campaign(options.get("campaign"))
        qs = selectors.problem_list(
            qs, year=_year(options.get("year")), campaign_id=campaign.pk if campaign else None
        )
        data = selectors.problem_stats(qs).as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        labels = dict(workflow.STATE_LABELS)
        self.stdout.write(
            f"问题总数 {data['total']}，逾期未办结 {data['overdue']}，销号率 {data['closure_rate'] if data['closure_rate'] is not None else '—'}%"
        )
        self.stdout.write(
            "各状态：" + "，".join(f"{labels[s]} {n}" for s, n in data["by_state"].items() if n)
        )
        for name, n in data["by_unit"].items():
            self.stdout.write(f"  {name}\t{n}")

    def _import(self, options: dict[str, Any]) -> None:
        from accounts.models import User
        from problems import access, services

        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None or not access.can_register(user):
            raise BadInput("--as 须为启用的依法治办账号。", code="invalid_actor", field="--as")
        path = Path(options["file"])
        if path.suffix.lower() != ".xlsx":
            raise BadInput("请提供 .xlsx 文件。", code="invalid_extension", field="file")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise BadInput("文件超过 10 MB，请分批导入。", code="too_large", field="file")
        try:
            result = services.problems_import(
                actor=user, content=path.read_bytes(), default_source=options["source"],
                campaign=_campaign(options.get("campaign")), filename=path.name,
            )  # fmt: skip
        except services.ImportFailed as exc:
            problems = [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors]
            raise BadInput(
                f"文件未导入：共 {len(problems)} 处问题。\n" + "\n".join(str(e) for e in exc.errors[:50]),
                code="import_failed",
                problems=problems,
            )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"imported": len(result.problems), "warnings": result.warnings}, ensure_ascii=False
                )
            )
            return
        for warning in result.warnings:
            self.stdout.write(f"可能重复：{warning}")
        self.stdout.write(f"已导入 {len(result.problems)} 条问题线索。")
