"""`fazhi experts …`: the 咨询专家库 from the command line.

fazhi experts verify-draw DRAW_ID [--json]   # exit 0 verified, 1 a difference, 2 bad id / not drawn
fazhi experts draws [--status S] [--json]    # every draw, newest first
fazhi experts draw --as USER --purpose TEXT --size N [--backups N] [--field CODE …]
                   [--exclude-org CODE …] [--recent-months N] [--purpose-code X] [--no-execute] [--json]
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from accounts.models import User
from experts import access, selectors, services, verification
from experts.models import DrawStatus, Purpose
from experts.records import draw_json
from orgs.models import Org


class Command(BaseCommand):
    help = (
        "依法治市咨询专家库。`fazhi experts verify-draw DRAW_ID` 按公布的冻结名单、参数和种子重算抽取结果"
        "（算法 fazhi-draw-v1，见 experts/draw.py），一致时退出码 0 并打印重算的专家组，不一致时退出码 1 并指出差异，"
        "编号无效、不存在或尚未执行时退出码 2；`fazhi experts draws --json` 列出全部抽取记录；"
        "`fazhi experts draw --as office --purpose 事由 --size 5` 冻结名单、公布承诺并执行抽取。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify-draw", help="重算并校验一次抽取")
        verify.add_argument("draw_id", help="抽取编号（见 fazhi experts draws）")
        verify.add_argument("--json", action="store_true", help="以 JSON 输出")
        listing = sub.add_parser("draws", help="列出抽取记录")
        listing.add_argument("--status", choices=DrawStatus.values, help="只列出该状态")
        listing.add_argument("--json", action="store_true", help="以 JSON 输出")
        make = sub.add_parser("draw", help="冻结候选名单、公布承诺值并执行抽取")
        make.add_argument("--as", dest="username", required=True, help="以哪个依法治办账号的名义抽取")
        make.add_argument("--purpose", required=True, help="抽取事由")
        make.add_argument("--purpose-code", default=Purpose.OTHER, choices=Purpose.values, help="用途")
        make.add_argument("--size", required=True, help="专家组人数")
        make.add_argument("--backups", default="0", help="候补人数")
        make.add_argument("--field", action="append", default=[], help="必需专业领域代码（可重复）")
        make.add_argument("--exclude-org", action="append", default=[], help="回避单位的机构代码（可重复）")
        make.add_argument("--recent-months", default="0", help="近几个月内已被抽中的专家回避")
        make.add_argument("--no-execute", action="store_true", help="只公布承诺，不执行")
        make.add_argument("--json", action="store_true", help="以 JSON 输出")

    def fail(self, message: str, *, as_json: bool, code: int = 2) -> None:
        if as_json:
            self.stdout.write(
                json.dumps({"error": {"code": "invalid", "message": message}}, ensure_ascii=False)
            )
        self.stderr.write(message)
        sys.exit(code)

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = bool(options.get("json"))
        if options["action"] == "draws":
            self.list_draws(options.get("status") or "", as_json=as_json)
        elif options["action"] == "verify-draw":
            self.verify(str(options["draw_id"]).strip(), as_json=as_json)
        else:
            self.make(options, as_json=as_json)

    def list_draws(self, status: str, *, as_json: bool) -> None:
        draws = list(selectors.draw_list(status=status).order_by("pk"))
        if as_json:
            self.stdout.write(json.dumps([draw_json(d) for d in draws], ensure_ascii=False))
            return
        for d in draws:
            panel = "、".join(m["name"] for m in draw_json(d)["panel_members"]) or "—"
            self.stdout.write(
                f"#{d.pk:<4} {d.get_status_display()}  {d.created_at:%Y-%m-%d}  {d.size} 人  {d.purpose}  专家组：{panel}"
            )
        self.stdout.write(f"共 {len(draws)} 次抽取。")

    def verify(self, raw: str, *, as_json: bool) -> None:
        if not raw.isdigit():
            self.fail(f"抽取编号应为正整数，收到的是“{raw}”。", as_json=as_json)
        draw = selectors.draws().filter(pk=int(raw)).first()
        if draw is None:
            self.fail(f"没有编号为 {raw} 的抽取记录（fazhi experts draws 可列出全部编号）。", as_json=as_json)
        assert draw is not None
        try:
            checked = verification.verify_draw(draw)
        except verification.NotVerifiable as exc:
            self.fail(str(exc), as_json=as_json)
            return
        names = verification.names(draw)
        outcome = checked.outcome
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "id": draw.pk,
                        "ok": checked.ok,
                        "problems": checked.problems,
                        "commitment": draw.commitment,
                        "seed": draw.seed,
                        "panel": list(outcome.panel) if outcome else None,
                        "backups": list(outcome.backups) if outcome else None,
                        "recorded": draw.result,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(
                f"抽取 #{draw.pk}「{draw.purpose}」（{draw.get_status_display()}，算法 {draw.algorithm}）"
            )
            self.stdout.write(f"承诺值 SHA-256(种子)：{draw.commitment}")
            self.stdout.write(f"种子：{draw.seed}")
            self.stdout.write(f"名单摘要：{draw.list_digest}（候选 {len(draw.candidates)} 人）")
            if outcome is not None:
                self.stdout.write(f"重算的专家组（{len(outcome.panel)} 人）：")
                for n, i in enumerate(outcome.panel, start=1):
                    self.stdout.write(f"  {n}. {names.get(i, '?')}（专家编号 {i}）")
                if outcome.backups:
                    self.stdout.write("重算的候补（按顺位）：")
                    for n, i in enumerate(outcome.backups, start=1):
                        self.stdout.write(f"  {n}. {names.get(i, '?')}（专家编号 {i}）")
            if checked.ok:
                self.stdout.write("校验通过：种子与承诺值一致，名单与参数未改动，重算结果与记录一致。")
            else:
                self.stdout.write("校验不通过：")
                for problem in checked.problems:
                    self.stdout.write(f"  - {problem}")
        if not checked.ok:
            self.stderr.write(f"抽取 #{draw.pk} 校验不通过：{checked.problems[0]}")
            sys.exit(1)

    def make(self, options: dict[str, Any], *, as_json: bool) -> None:
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None or not access.is_office(actor):
            self.fail(f"“{options['username']}”不是在用的依法治办账号，不能抽取专家。", as_json=as_json)
        numbers: dict[str, int] = {}
        for name, label in (
            ("size", "专家组人数"),
            ("backups", "候补人数"),
            ("recent_months", "近期回避月数"),
        ):
            raw = str(options[name]).strip()
            if not raw.isdigit():
                self.fail(f"{label}应为非负整数，收到的是“{raw}”。", as_json=as_json)
            numbers[name] = int(raw)
        codes = [c.strip() for c in options["exclude_org"]]
        orgs = dict(Org.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = [c for c in codes if c not in orgs]
        if unknown:
            self.fail(f"没有机构代码为 {'、'.join(unknown)} 的单位。", as_json=as_json)
        try:
            draw = services.draw_prepare(
                actor=actor,
                purpose=options["purpose"],
                purpose_code=options["purpose_code"],
                size=numbers["size"],
                backups=numbers["backups"],
                required_fields=options["field"],
                exclude_org_ids=list(orgs.values()),
                recent_months=numbers["recent_months"],
            )
            if not options["no_execute"]:
                draw = services.draw_execute(actor=actor, draw=draw)
        except ValidationError as exc:
            self.fail("；".join(exc.messages), as_json=as_json)
            return
        if as_json:
            self.stdout.write(json.dumps(draw_json(draw), ensure_ascii=False))
            return
        data = draw_json(draw)
        self.stdout.write(
            f"抽取 #{draw.pk} 已{'执行' if draw.status == DrawStatus.EXECUTED else '公布承诺'}。"
        )
        self.stdout.write(f"承诺值：{draw.commitment}")
        if draw.status == DrawStatus.EXECUTED:
            self.stdout.write(f"种子：{draw.seed}")
            self.stdout.write("专家组：" + "、".join(m["name"] for m in data["panel_members"]))
            self.stdout.write(f"校验：fazhi experts verify-draw {draw.pk}")
