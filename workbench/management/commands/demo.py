from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.demo import DEMO_PASSWORD, demo_logins
from workbench.demo_loader import load_all


class Command(BaseCommand):
    help = "演示数据。`fazhi demo load` 载入江门市演示数据（可重复执行，已有数据不会丢失）；`fazhi demo logins` 列出演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="载入演示数据（幂等）")
        logins = sub.add_parser("logins", help="列出演示账号")
        logins.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            modules = load_all(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（{', '.join(modules)}）"))
            return
        rows = demo_logins()
        if options.get("json"):
            self.stdout.write(
                json.dumps([{"username": u, "role": r, "org": o} for u, r, o in rows], ensure_ascii=False)
            )
            return
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，仅限演示数据）：")
        for username, role, org in rows:
            self.stdout.write(f"  {username:<18} {role:<8} {org}")
