from __future__ import annotations

import json
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from fazhi.cli import BadInput
from notices.reminding import reminders_send

MIN_INTERVAL = 30


class Command(BaseCommand):
    help = (
        "截止提醒。`fazhi reminders send` 发送此刻到期的提醒（邮件、短信），每条只发一次；"
        "发送失败的留待重试并计入 failed。--json 输出 "
        '{"sent": N, "by_channel": {"email": N, "sms": N}, "skipped": N, "failed": N, "pending": N, "planned": N}。'
        "`fazhi reminders run --interval 300` 每隔若干秒发送一次，直到被停止（make run 在后台任务进程旁启动它）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="发送此刻到期的提醒（失败的立即重试）")
        send.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        run = sub.add_parser("run", help="按间隔反复发送（常驻）")
        run.add_argument(
            "--interval", type=int, default=300, help=f"间隔秒数（至少 {MIN_INTERVAL}，默认 300）"
        )
        run.add_argument("--once", action="store_true", help="只运行一轮（用于检查）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "send":
            self.send(as_json=bool(options.get("json")))
        else:
            interval = options["interval"]
            if interval < MIN_INTERVAL:
                raise BadInput(
                    f"--interval 至少为 {MIN_INTERVAL} 秒，收到的是 {interval}。", code="invalid_interval"
                )
            self.loop(interval, once=bool(options.get("once")))

    def send(self, *, as_json: bool) -> None:
        report = reminders_send(retry_now=True)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            channels = "，".join(f"{k} {v}" for k, v in report.by_channel.items())
            self.stdout.write(
                f"已发送 {report.sent} 条提醒（{channels}），无地址或未选择该方式跳过 {report.skipped} 人次，"
                f"发送失败 {report.failed} 条。"
            )
        if report.failed:
            self.stderr.write(
                f"{report.failed} 条提醒发送失败，已记录错误，下次运行时重试（依法治办可在「提醒记录」查看）。"
            )
        for error in report.errors:
            self.stderr.write(f"提醒来源出错：{error}")

    def loop(self, interval: int, *, once: bool) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"提醒任务已启动：每 {interval} 秒发送一次到期提醒。")
        while not stopping:
            _refresh_connections()
            try:
                report = reminders_send(retry_now=False)
            except Exception as exc:
                self.stderr.write(f"本轮提醒未完成（{type(exc).__name__}）：{exc}")
            else:
                if report.sent or report.failed:
                    self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            if once:
                break
            for _ in range(interval):
                if stopping:
                    break
                time.sleep(1)


def _refresh_connections() -> None:
    """Drop a connection the database closed or that outlived CONN_MAX_AGE between rounds
    (never one inside a transaction: the command may run inside a caller's)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()
