"""`fazhi campaign ranking --year YEAR [--json]`: the published ranking of a
year; `fazhi campaign verify --year YEAR`: re-hash its snapshot."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.models import Publication
from assessments.selectors import publication as pub
from fazhi.cli import BadInput


class Command(BaseCommand):
    help = (
        "年度考评结果。`fazhi campaign ranking --year 2022 --json` 输出该年度已公布的排名"
        "（读取公布时冻结的结果快照）；`fazhi campaign verify --year 2022` 重新计算快照的 SHA-256，"
        "与公布时写入审计日志的值比对（并校验该审计记录本身），不一致时退出码为 1。"
        "该年度没有已公布的考评时退出码为 2。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("ranking", "输出已公布的排名"), ("verify", "校验结果快照的 SHA-256")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--year", required=True, help="考评年度，例如 2022")
            p.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = bool(options.get("json"))
        raw = str(options["year"]).strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) == 4 and 1900 < int(raw) < 3000):
            raise BadInput(f"年度须为四位数字，收到的是“{raw[:20]}”。", code="invalid_year", field="--year")
        year = int(raw)
        publication = (
            Publication.objects.filter(campaign__year=year)
            .select_related("campaign")
            .order_by("-published_at")
            .first()
        )
        if publication is None:
            raise BadInput(f"{year} 年度没有已公布的考评结果。", code="not_found", field="--year")
        if options["action"] == "verify":
            check = pub.publication_check(publication)
            if as_json:
                self.stdout.write(
                    json.dumps(
                        {
                            "year": year,
                            "sha256": publication.sha256,
                            "ok": check.ok,
                            "reason": check.reason,
                            "audit_seq": check.audit_seq,
                            "audit_hash": check.audit_hash,
                        },
                        ensure_ascii=False,
                    )
                )
            elif check.ok:
                self.stdout.write(
                    f"{publication.campaign.name}：快照 SHA-256 {publication.sha256}，与公布时审计日志第 "
                    f"{check.audit_seq} 条记录（哈希 {check.audit_hash}）校验一致。"
                )
            else:
                self.stderr.write(f"{publication.campaign.name}：校验不一致，{check.reason}")
            if not check.ok:
                sys.exit(1)
            return
        ranking = [
            {
                "rank": r["rank"],
                "target": r["name"],
                "code": r["code"],
                "score": float(r["total"]),
                "grade": r["grade"],
            }
            for r in publication.snapshot["ranking"]
        ]
        if as_json:
            self.stdout.write(json.dumps(ranking, ensure_ascii=False))
            return
        self.stdout.write(
            f"{publication.campaign.name}（公布于 {publication.published_at:%Y-%m-%d}，SHA-256 {publication.sha256[:16]}…）"
        )
        for r in ranking:
            self.stdout.write(
                f"{r['rank']:>3}  {r['code']}  {r['target']:<6}\t{r['score']:>7.2f}  {r['grade']}"
            )
        self.stdout.write(f"共 {len(ranking)} 个被考评单位。")
