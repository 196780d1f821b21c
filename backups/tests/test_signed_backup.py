"""Backups are signed with the audit key (kept outside the database and out of
every backup) and a restore refuses an archive whose signature is missing or
fails before it touches anything; credentials never go into a backup."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from accounts.models import User
from accounts.services import token_rotate
from audit.models import AuditEntry
from audit.services import audit_anchor, audit_record, audit_verify
from backups.services import BackupError, backup_create, backup_restore
from backups.tests.test_backup import fazhi
from fazhi.testing import BaseTestCase
from orgs.models import Org

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def rewrite(archive: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """Copy a .tar.gz member by member; `change` returns new bytes (or None to drop the member)."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = change(member.name, src.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def restore_in_this_transaction(path: Path, **kwargs) -> dict:
    """backup_restore inside the test's transaction: on PostgreSQL, TRUNCATE refuses
    tables with pending deferred checks, so fire them first (the CLI has none)."""
    if connection.vendor == "postgresql":
        connection.check_constraints()
    return backup_restore(path=path, force=True, **kwargs)


def flip_one_byte_and_rehash(name: str, data: bytes, *, member: str, manifest: dict) -> bytes:
    if name == member:
        data = data.replace("江门市".encode(), "江门巿".encode(), 1)  # one byte differs
        manifest["members"][member] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return data


class SignedBackupTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="fazhi-signed-backup-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.archive = self.tmp / "backup.tar.gz"
        backup_create(path=self.archive)
        self.before = (Org.objects.count(), User.objects.count(), AuditEntry.objects.count())

    def assert_refused(self, archive: Path, message: str) -> None:
        with self.assertRaisesMessage(BackupError, message):
            backup_restore(path=archive, force=True)
        self.assertEqual((Org.objects.count(), User.objects.count(), AuditEntry.objects.count()), self.before)

    def test_it_refuses_a_member_changed_by_one_byte_with_the_manifest_rehashed(self):
        with tarfile.open(self.archive, "r:gz") as src:
            manifest = json.loads(src.extractfile("manifest.json").read())
        tampered = self.tmp / "tampered.tar.gz"

        def change(name: str, data: bytes) -> bytes:
            if name == "manifest.json":
                return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            return flip_one_byte_and_rehash(name, data, member="db/orgs.org.jsonl", manifest=manifest)

        # Members come before the manifest, so the manifest is re-hashed by the time it is written.
        rewrite(self.archive, tampered, change)
        self.assert_refused(tampered, "签名校验失败：清单（manifest.json）被改动")
        self.assertIsNone(audit_verify())

        fresh = self.tmp / "fresh"
        result = fazhi(fresh, "backup", "restore", str(tampered))
        self.assertEqual(result.returncode, 2)
        self.assertIn("签名校验失败", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertFalse((fresh / "fazhi.sqlite3").exists() and (fresh / "fazhi.sqlite3").stat().st_size)

    def test_it_refuses_an_archive_signed_with_another_key(self):
        with override_settings(AUDIT_KEY="another-audit-key-that-is-at-least-32-characters"):
            self.assert_refused(self.archive, "备份文件由另一把密钥签名")
            result = fazhi(self.tmp / "fresh", "backup", "restore", str(self.archive), "--json")
        self.assertIsNone(audit_verify())
        self.assertEqual(result.returncode, 2)
        self.assertIn("另一把密钥", json.loads(result.stdout)["error"]["message"])

    def test_it_refuses_a_fresh_machine_without_the_key(self):
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "FAZHI_AUDIT_KEY")
        }
        env["FAZHI_DATA_DIR"] = str(self.tmp / "other")  # a new audit.key is generated there
        refused = subprocess.run(
            [sys.executable, "-m", "fazhi.cli", "backup", "restore", str(self.archive)],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(refused.returncode, 2)
        self.assertIn("FAZHI_AUDIT_KEY", refused.stderr)
        self.assertNotIn("Traceback", refused.stderr)

    def test_it_refuses_an_unsigned_archive(self):
        unsigned = self.tmp / "unsigned.tar.gz"
        rewrite(self.archive, unsigned, lambda name, data: None if name == "manifest.sig" else data)
        self.assert_refused(unsigned, "备份文件没有签名")


class BackupSecretsTestCase(BaseTestCase):
    def test_it_leaves_totp_secrets_api_tokens_and_the_audit_key_out_of_the_archive(self):
        User.objects.filter(pk=self.secadmin.pk).update(totp_secret=TOTP_SECRET, totp_enabled=True)
        token_rotate(actor=self.county)
        secrets = [TOTP_SECRET, settings.AUDIT_KEY, settings.SECRET_KEY]
        with connection.cursor() as cursor:
            for table in ("authtoken_token", "accounts_apitoken"):
                if table in connection.introspection.table_names():
                    cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
                    secrets += [
                        v for row in cursor.fetchall() for v in row if isinstance(v, str) and len(v) >= 20
                    ]
        self.assertGreater(len(secrets), 3)  # a token (or its hash) exists to be left out
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        archive = tmp / "backup.tar.gz"
        summary = backup_create(path=archive)
        raw = gzip.decompress(archive.read_bytes())
        for secret in secrets:
            self.assertNotIn(secret.encode(), raw)
        self.assertNotIn("authtoken.token", summary["models"])
        self.assertEqual(summary["left_out"]["totp_users"], 1)

        out = io.StringIO()
        if connection.vendor == "postgresql":
            connection.check_constraints()  # see restore_in_this_transaction
        call_command("backup", "restore", str(archive), "--force", stdout=out, stderr=io.StringIO())
        self.assertIn("1 个账号需重新设置双因素认证", out.getvalue())

    def test_it_restores_with_totp_off_so_the_user_enrols_again(self):
        User.objects.filter(pk=self.secadmin.pk).update(totp_secret=TOTP_SECRET, totp_enabled=True)
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        backup_create(path=tmp / "b.tar.gz")
        restore_in_this_transaction(tmp / "b.tar.gz")
        secadmin = User.objects.get(pk=self.secadmin.pk)
        self.assertEqual((secadmin.totp_secret, secadmin.totp_enabled), ("", False))


class BackupAnchorsTestCase(BaseTestCase):
    def test_it_carries_the_audit_anchors_so_a_restored_log_is_still_anchored(self):
        audit_record(actor=self.office, action="test.thing.done")
        audit_anchor()
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        backup_create(path=tmp / "b.tar.gz")
        anchored = Path(settings.AUDIT_ANCHOR_FILE).read_text()
        Path(settings.AUDIT_ANCHOR_FILE).unlink()  # a new data directory
        restore_in_this_transaction(tmp / "b.tar.gz")
        self.assertIn(anchored.strip(), Path(settings.AUDIT_ANCHOR_FILE).read_text())
        self.assertIsNone(audit_verify())


class BackupCommandInputTestCase(BaseTestCase):
    def test_it_answers_bad_paths_with_a_chinese_message_and_exit_2(self):
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        (tmp / "folder.tar.gz").mkdir()
        cases = [
            (("create", "-o", str(tmp / "folder.tar.gz")), "是一个目录"),
            (("create", "-o", str(tmp / "missing" / "b.tar.gz")), "目录不存在"),
            (("create", "-o", "/proc/fazhi-backup.tar.gz"), "/proc"),  # not writable, even for root
            (("restore", str(tmp / "missing.tar.gz")), "备份文件不存在"),
            (("restore", str(tmp / "folder.tar.gz")), "不是文件"),
        ]
        for args, message in cases:
            with self.subTest(args), self.assertRaises(CommandError) as ctx:
                call_command("backup", *args, stdout=io.StringIO(), stderr=io.StringIO())
            self.assertEqual(ctx.exception.returncode, 2)
            self.assertIn(message, str(ctx.exception))
        self.assertFalse(AuditEntry.objects.filter(action="backups.backup.created").exists())

    def test_it_exits_2_without_a_traceback_on_a_wrong_extension(self):
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        result = fazhi(tmp / "data", "backup", "create", "-o", str(tmp / "x.out"))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("应以 .tar.gz 或 .zip 结尾", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertFalse((tmp / "x.out").exists())
