from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.models import AuditEntry
from audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "审计日志。`fazhi audit verify` 校验哈希链：完整时退出码 0；"
        "任何记录被改动或删除时退出码 1，并指出第一条有问题的记录。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验审计日志完整性")
        verify.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        broken = audit_verify()
        count = AuditEntry.objects.count()
        if options.get("json"):
            result: dict[str, Any] = {"ok": broken is None, "entries": count}
            if broken:
                result.update({"first_bad_seq": broken.seq, "reason": broken.reason})
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        elif broken:
            self.stderr.write(f"审计日志校验失败：第一条有问题的记录为 #{broken.seq}。{broken.reason}")
        else:
            self.stdout.write(f"审计日志完整：共 {count} 条记录，哈希链校验通过。")
        if broken:
            sys.exit(1)
