from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import anchors
from audit.services import anchor_file, audit_anchor, audit_check


class Command(BaseCommand):
    help = (
        "审计日志。`fazhi audit verify` 校验哈希链、每条记录的校验码（HMAC，密钥在数据库之外）和锚点文件"
        "记录的链头：完整时退出码 0；任何记录被改动、伪造或删除时退出码 1，并指出第一条有问题的记录。"
        "`fazhi audit anchor` 把当前链头写入锚点文件（建议每小时由定时任务执行一次）。参数有误时退出码 2。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验审计日志完整性")
        verify.add_argument(
            "--anchor-file",
            help="用另存的锚点文件副本校验（默认：数据目录中的 audit-anchor.log）",
        )
        verify.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        anchor = sub.add_parser("anchor", help="把当前链头写入锚点文件（及 syslog）")
        anchor.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def fail(self, message: str, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
        raise CommandError(message, returncode=2)

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = bool(options.get("json"))
        if options["action"] == "anchor":
            self.anchor(as_json=as_json)
        else:
            self.verify(options.get("anchor_file"), as_json=as_json)

    def _anchor_lines(self, given: str | None, *, as_json: bool) -> list[str] | None:
        if given is None:
            return None
        path = Path(given)
        if not path.exists():
            self.fail(f"锚点文件不存在：{path}", as_json=as_json)
        if not path.is_file():
            self.fail(f"锚点文件路径 {path} 不是文件。", as_json=as_json)
        try:
            return anchors.read_lines(path)
        except anchors.AnchorFileError as exc:
            self.fail(str(exc), as_json=as_json)
        return None

    def verify(self, given: str | None, *, as_json: bool) -> None:
        lines = self._anchor_lines(given, as_json=as_json)
        try:
            result = audit_check(anchor_lines=lines)
        except anchors.AnchorFileError as exc:
            self.fail(str(exc), as_json=as_json)
            return
        last = max(result.anchors, key=lambda a: a.seq, default=None)
        if as_json:
            out: dict[str, Any] = {
                "ok": result.ok,
                "entries": result.entries,
                "anchors": len(result.anchors),
                "last_anchor": {"seq": last.seq, "hash": last.hash, "at": last.at} if last else None,
            }
            if not result.ok:
                out.update(
                    {"first_bad_seq": result.broken.seq if result.broken else None, "reason": result.reason}
                )
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        elif result.anchor_problem:
            self.stderr.write(f"审计日志校验失败：{result.anchor_problem}")
        elif result.broken:
            self.stderr.write(
                f"审计日志校验失败：第一条有问题的记录为 #{result.broken.seq}。{result.broken.reason}"
            )
        else:
            anchored = (
                f"与 {len(result.anchors)} 个锚点一致（最近：第 {last.seq} 条，{last.at}）"
                if last
                else "尚无锚点（可执行 fazhi audit anchor）"
            )
            self.stdout.write(
                f"审计日志完整：共 {result.entries} 条记录，哈希链与校验码校验通过，{anchored}。"
            )
        if not result.ok:
            sys.exit(1)

    def anchor(self, *, as_json: bool) -> None:
        # Entries from before HMACs existed cannot be checked one by one; the
        # first anchor seals them as they are now.
        try:
            result = audit_check(legacy_ok=True)
            if not result.ok:
                self.fail_broken(result.reason, as_json=as_json)
            anchor = audit_anchor()
        except anchors.AnchorFileError as exc:
            self.fail(str(exc), as_json=as_json)
            return
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": True,
                        "file": str(anchor_file()),
                        "anchor": {"seq": anchor.seq, "hash": anchor.hash, "at": anchor.at}
                        if anchor
                        else None,
                    },
                    ensure_ascii=False,
                )
            )
        elif anchor is None:
            self.stdout.write("审计日志为空，无需写入锚点。")
        else:
            self.stdout.write(f"已写入锚点：第 {anchor.seq} 条，哈希 {anchor.hash}（{anchor_file()}）。")

    def fail_broken(self, reason: str, *, as_json: bool) -> None:
        # A broken log is never anchored: the anchor would vouch for the damage.
        if as_json:
            self.stdout.write(json.dumps({"ok": False, "reason": reason}, ensure_ascii=False))
        else:
            self.stderr.write(f"审计日志校验失败，未写入锚点：{reason}")
        sys.exit(1)
