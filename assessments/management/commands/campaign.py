"""`fazhi campaign ranking --year YEAR [--json]`: the published ranking of a
year; `fazhi campaign verify --year YEAR`: re-hash its snapshot;
`fazhi campaign import-history FILE [--dry-run] [--json]`: past years' published
results from the office's xlsx (services.history), all or nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.frameworks_xlsx import ImportFailed
from assessments.models import Publication
from assessments.selectors import publication as pub
from assessments.selectors.results import totals_drift
from assessments.services import history
from assessments.services.totals import totals_rebuild
from fazhi.cli import BadInput

MAX_FILE_BYTES = 16 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "年度考评结果。`fazhi campaign ranking --year 2022 --json` 输出该年度已公布的排名"
        "（读取公布时冻结的结果快照）；`fazhi campaign verify --year 2022` 重新计算快照的 SHA-256，"
        "与公布时写入审计日志的值比对（并校验该审计记录本身），不一致时退出码为 1。"
        "该年度没有已公布的考评时退出码为 2。"
        "`fazhi campaign import-history FILE [--dry-run] [--json]` 从 xlsx 导入历年已公布的考评结果"
        "（列：年度、单位代码或单位名称、总分、等次、名次），全部行无误才保存，重新导入某年度会替换该年度"
        "已导入的结果；--dry-run 只检查并输出，不保存。文件有误时逐行列出问题，退出码为 2。"
        "`fazhi campaign totals [--rebuild] [--json]` 核对数据库触发器维护的各单位评分合计与已审核生效的评分，"
        "不一致时退出码为 1；--rebuild 按评分重新计算并记入审计日志。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("ranking", "输出已公布的排名"), ("verify", "校验结果快照的 SHA-256")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--year", required=True, help="考评年度，例如 2022")
            p.add_argument("--json", action="store_true", help="以 JSON 输出")
        p = sub.add_parser("totals", help="核对（或重建）各被考评单位的评分合计")
        p.add_argument("--rebuild", action="store_true", help="按已审核生效的评分重新计算全部合计")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")
        p = sub.add_parser("import-history", help="从 xlsx 导入历年已公布的考评结果")
        p.add_argument("file", help="历年结果表格（.xlsx）")
        p.add_argument("--dry-run", action="store_true", help="只检查并输出，不保存")
        p.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = bool(options.get("json"))
        if options["action"] == "import-history":
            self.import_history(options["file"], dry_run=bool(options["dry_run"]), as_json=as_json)
            return
        if options["action"] == "totals":
            self.totals(rebuild=bool(options["rebuild"]), as_json=as_json)
            return
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

    def totals(self, *, rebuild: bool, as_json: bool) -> None:
        """Exit 1 when the kept totals differ from the scores (and were not rebuilt)."""
        drift = totals_drift()
        fixed = totals_rebuild() if rebuild and drift else 0
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": not drift or bool(fixed),
                        "wrong": len(drift),
                        "rebuilt": fixed,
                        "examples": [
                            {"campaign": c, "target": t, "kept": kept, "scores": actual}
                            for c, t, kept, actual in drift[:20]
                        ],
                    },
                    ensure_ascii=False,
                )
            )
        elif not drift:
            self.stdout.write("评分合计与已审核生效的评分一致。")
        elif fixed:
            self.stdout.write(f"已按评分重新计算合计：{fixed} 个被考评单位的合计有误，已更正并记入审计日志。")
        else:
            self.stderr.write(
                f"评分合计与评分不一致：{len(drift)} 个被考评单位（考评 id/单位 id："
                + "、".join(f"{c}/{t}" for c, t, *_ in drift[:10])
                + ("…" if len(drift) > 10 else "")
                + "）。用 `fazhi campaign totals --rebuild` 重新计算。"
            )
        if drift and not fixed:
            sys.exit(1)

    def import_history(self, name: str, *, dry_run: bool, as_json: bool) -> None:
        rows, source = _history_rows(name)
        by_year: dict[int, int] = {}
        for r in rows:
            by_year[r.year] = by_year.get(r.year, 0) + 1
        if not dry_run:
            by_year = history.history_import(actor=None, rows=rows, source=source)
        if as_json:
            out = {
                "dry_run": dry_run,
                "saved": not dry_run,
                "years": {str(y): n for y, n in sorted(by_year.items())},
                "rows": [
                    {
                        "year": r.year,
                        "code": r.target.code,
                        "target": r.target.display_name,
                        "total": str(r.total),
                        "grade": r.grade,
                        "rank": r.rank,
                    }
                    for r in rows
                ],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        done = "、".join(f"{y} 年度 {n} 个单位" for y, n in sorted(by_year.items()))
        self.stdout.write(f"检查无误（未保存）：{done}。" if dry_run else f"已导入：{done}。")


def _history_rows(name: str) -> tuple[list[history.HistoryRow], str]:
    """The file's rows, or BadInput (exit 2) naming every problem by row and column."""
    path = Path(name)
    if not path.is_file():
        raise BadInput(f"找不到文件或不是普通文件：{name}", code="not_found", field="file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BadInput(f"文件过大，不应超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。", code="too_large")
    try:
        return history.parse_history(path.read_bytes()), path.name
    except ImportFailed as exc:
        problems = [
            {"row": e.row, "column": e.column, "letter": e.letter, "message": str(e)} for e in exc.errors
        ]
        raise BadInput(
            f"文件有 {len(exc.errors)} 处错误，未导入任何数据。", code="invalid_file", problems=problems
        ) from None
