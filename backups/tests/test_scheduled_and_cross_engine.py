"""Scheduled backups with retention, and a backup of the full demo data restored onto the
other database engine (SQLite → PostgreSQL → SQLite): every table and file equal by
`fazhi backup digest`, the audit chain verified on each."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase

from accounts.models import User
from audit.models import AuditEntry
from backups.services import BackupError, backup_scheduled
from fazhi.testing import BaseTestCase
from orgs.models import Org

ROOT = Path(__file__).resolve().parents[2]


class ScheduledBackupTestCase(BaseTestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="fazhi-scheduled-"))
        for stamp in ("20250101-020000", "20250102-020000", "20250103-020000"):
            (self.folder / f"fazhi-{stamp}.tar.gz").write_bytes(b"old")
        (self.folder / "fazhi-before-upgrade.tar.gz").write_bytes(b"a backup made by hand")
        (self.folder / "notes.txt").write_text("not a backup")

    def test_it_writes_a_backup_named_by_the_time_and_keeps_only_the_newest(self):
        result = backup_scheduled(directory=self.folder, keep=2)
        new = Path(result["file"]).name
        self.assertRegex(new, r"^fazhi-\d{8}-\d{6}\.tar\.gz$")
        self.assertEqual(result["removed"], ["fazhi-20250101-020000.tar.gz", "fazhi-20250102-020000.tar.gz"])
        self.assertEqual(
            sorted(p.name for p in self.folder.iterdir()),
            sorted(["fazhi-20250103-020000.tar.gz", new, "fazhi-before-upgrade.tar.gz", "notes.txt"]),
        )
        self.assertTrue(AuditEntry.objects.filter(action="backups.backup.pruned").exists())

    def test_it_refuses_a_keep_below_one_or_a_missing_folder_and_deletes_nothing(self):
        with self.assertRaisesMessage(BackupError, "--keep 至少为 1"):
            backup_scheduled(directory=self.folder, keep=0)
        with self.assertRaisesMessage(BackupError, "目录不存在"):
            backup_scheduled(directory=self.folder / "missing", keep=3)
        self.assertEqual(len(list(self.folder.iterdir())), 5)


class DigestTestCase(BaseTestCase):
    def digest(self) -> dict:
        out = io.StringIO()
        call_command("backup", "digest", "--json", stdout=out)
        return json.loads(out.getvalue())

    def test_it_changes_with_one_row_and_leaves_secrets_out(self):
        first = self.digest()
        self.assertEqual(first["tables"]["orgs.org"]["rows"], Org.objects.count())
        self.assertNotIn("accounts.apitoken", first["tables"])
        self.assertEqual(self.digest(), first)
        Org.objects.filter(pk=self.stranger_org.pk).update(name="江海区（改）")
        second = self.digest()
        self.assertNotEqual(second["tables"]["orgs.org"]["sha256"], first["tables"]["orgs.org"]["sha256"])
        self.assertEqual(second["tables"]["accounts.user"], first["tables"]["accounts.user"])
        # a TOTP secret is not part of what a backup carries, so not of its digest either
        User.objects.filter(pk=self.county.pk).update(totp_secret="JBSWY3DPEHPK3PXP")
        self.assertEqual(self.digest()["tables"]["accounts.user"], first["tables"]["accounts.user"])


def run_fazhi(
    *args: str, data_dir: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL")
    }
    env.update(FAZHI_DATA_DIR=str(data_dir), FAZHI_AUDIT_KEY=settings.AUDIT_KEY)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "fazhi.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


class CrossEngineRestoreTestCase(SimpleTestCase):
    """Runs in the PostgreSQL suite (`make test-postgres`): it needs the PostgreSQL server."""

    def setUp(self) -> None:
        if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
            self.skipTest("跨数据库恢复需要 PostgreSQL：在 PostgreSQL 测试套件（make test-postgres）中运行")
        import psycopg

        url = urlsplit(os.environ["DATABASE_URL"])
        name = f"fazhi_restore_{secrets.token_hex(4)}"
        self.admin_url = url._replace(path="/postgres").geturl()
        self.pg_url = url._replace(path=f"/{name}").geturl()
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.addCleanup(self._drop, name)

    def _drop(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def ok(self, *args: str, data_dir: Path, database_url: str | None = None) -> str:
        result = run_fazhi(*args, data_dir=data_dir, database_url=database_url)
        self.assertEqual(result.returncode, 0, f"fazhi {' '.join(args)}: {result.stderr[-3000:]}")
        return result.stdout

    def digest(self, data_dir: Path, database_url: str | None = None) -> dict:
        return json.loads(self.ok("backup", "digest", "--json", data_dir=data_dir, database_url=database_url))

    def test_the_demo_goes_from_sqlite_to_postgresql_and_back_unchanged(self):
        with tempfile.TemporaryDirectory() as tmp:
            sqlite_a, pg_b, sqlite_c = (Path(tmp) / n for n in ("a", "b", "c"))
            for folder in (sqlite_a, pg_b, sqlite_c):
                folder.mkdir()
            self.ok("migrate", "-v0", data_dir=sqlite_a)
            self.ok("demo", "load", data_dir=sqlite_a)
            self.ok("backup", "create", "-o", f"{tmp}/a.tar.gz", data_dir=sqlite_a)
            before = self.digest(sqlite_a)
            self.assertGreater(sum(t["rows"] for t in before["tables"].values()), 5000)
            self.assertGreater(len(before["files"]), 10)

            self.ok("backup", "restore", f"{tmp}/a.tar.gz", data_dir=pg_b, database_url=self.pg_url)
            on_postgres = self.digest(pg_b, self.pg_url)
            restored_entry = on_postgres["tables"].pop("audit.auditentry")
            before_audit = before["tables"].pop("audit.auditentry")
            on_postgres["tables"].pop("audit.audithead")
            before["tables"].pop("audit.audithead")
            self.assertEqual(on_postgres, before)
            # the restore appended its own audit entry to the restored chain
            self.assertEqual(restored_entry["rows"], before_audit["rows"] + 1)
            self.ok("audit", "verify", data_dir=pg_b, database_url=self.pg_url)
            # the score totals are left out of backups and rebuilt by the triggers as the scores go in
            self.assertIn("一致", self.ok("campaign", "totals", data_dir=pg_b, database_url=self.pg_url))

            self.ok("backup", "create", "-o", f"{tmp}/b.tar.gz", data_dir=pg_b, database_url=self.pg_url)
            at_backup = self.digest(pg_b, self.pg_url)
            self.ok("backup", "restore", f"{tmp}/b.tar.gz", data_dir=sqlite_c)
            back_on_sqlite = self.digest(sqlite_c)
            for digest in (at_backup, back_on_sqlite):
                digest["tables"].pop("audit.audithead")
                self.assertEqual(digest["tables"].pop("audit.auditentry")["rows"] > 0, True)
            self.assertEqual(back_on_sqlite, at_backup)
            self.ok("audit", "verify", data_dir=sqlite_c)
            self.assertIn("一致", self.ok("campaign", "totals", data_dir=sqlite_c))
