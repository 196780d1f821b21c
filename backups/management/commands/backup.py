from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backups.services import BackupError, backup_create, backup_digest, backup_restore, backup_scheduled
from fazhi.cli import BadInput


class Command(BaseCommand):
    help = (
        "备份与恢复。`fazhi backup create -o FILE`（.tar.gz 或 .zip）写出全部数据表、全部已存储文件和带 SHA-256 的"
        "清单，并用审计密钥（FAZHI_AUDIT_KEY 或 audit.key，不写入备份）签名；API 令牌和 TOTP 密钥不写入备份。"
        "`fazhi backup restore FILE` 先校验签名和清单（签名缺失或不符时拒绝，退出码 2），再迁移数据库、载入数据和"
        "文件；需要与备份时相同的审计密钥。目标数据库已有数据时拒绝恢复，除非加 --force。恢复后审计日志校验通过；"
        "启用过双因素认证的账号需重新设置。参数或文件有误时退出码 2。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建备份文件")
        create.add_argument("-o", "--output", required=True, help="备份文件路径（.tar.gz 或 .zip）")
        create.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        scheduled = sub.add_parser(
            "scheduled",
            help="定时备份：在目录中按时间命名写一份备份，只保留最新的 --keep 份（只删除本命令写的备份）",
        )
        scheduled.add_argument("--dir", required=True, help="备份目录")
        scheduled.add_argument("--keep", type=int, default=14, help="保留的份数（默认 14）")
        scheduled.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        digest = sub.add_parser(
            "digest",
            help="每个数据表和每个文件的 SHA-256（与备份内容一致；跨 SQLite/PostgreSQL 可比），用于核对恢复结果",
        )
        digest.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        restore = sub.add_parser("restore", help="从备份文件恢复")
        restore.add_argument("file", help="备份文件路径")
        restore.add_argument(
            "--force", action="store_true", help="目标数据库已有数据时仍然恢复（替换现有数据）"
        )
        restore.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options.get("json", False)
        if options["action"] == "create" and not options["output"].endswith((".tar.gz", ".tgz", ".zip")):
            raise BadInput("备份文件名应以 .tar.gz 或 .zip 结尾。", code="invalid_output", field="-o")

        def progress(message: str) -> None:
            self.stderr.write(message)

        if options["action"] == "digest":
            result = backup_digest()
            if as_json:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            else:
                for label, table in result["tables"].items():
                    self.stdout.write(f"{label}\t{table['rows']}\t{table['sha256']}")
                for name, sha in result["files"].items():
                    self.stdout.write(f"files/{name}\t{sha}")
            return
        try:
            if options["action"] == "scheduled":
                summary = backup_scheduled(directory=options["dir"], keep=options["keep"], progress=progress)
                line = (
                    f"定时备份完成：{summary['file']}（{summary['size'] / 1024 / 1024:.1f} MB），"
                    f"保留 {len(summary['kept'])} 份，删除 {len(summary['removed'])} 份旧备份。"
                )
                result = {k: summary[k] for k in ("file", "size", "rows", "files", "removed", "kept")}
                result["ok"] = True
            elif options["action"] == "create":
                summary = backup_create(path=options["output"], progress=progress)
                line = (
                    f"备份完成：{summary['file']}（{summary['size'] / 1024 / 1024:.1f} MB），"
                    f"{len(summary['models'])} 个数据表 {summary['rows']} 条记录，{summary['files']} 个文件，"
                    f"审计日志 {summary['audit']['entries']} 条。"
                )
                result = {
                    "ok": True,
                    "file": summary["file"],
                    "size": summary["size"],
                    "rows": summary["rows"],
                    "files": summary["files"],
                    "models": summary["models"],
                    "audit": summary["audit"],
                    "app_version": summary["app_version"],
                }
            else:
                result = backup_restore(path=options["file"], force=options["force"], progress=progress)
                line = (
                    f"恢复完成：{len(result['models'])} 个数据表 {result['rows']} 条记录，{result['files']} 个文件；"
                    f"审计日志 {result['audit']['entries']} 条，哈希链校验通过。"
                )
                if result["totp_reenrol"]:
                    line += f"备份不含 TOTP 密钥：{result['totp_reenrol']} 个账号需重新设置双因素认证。"
        except (BackupError, OSError) as exc:
            message = str(exc) if isinstance(exc, BackupError) else f"读写文件失败：{exc.strerror or exc}"
            # The CLI guard (fazhi/cli.py) prints it, as {"error": {...}} under --json.
            raise BadInput(message, code="backup_refused") from None
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(line)
