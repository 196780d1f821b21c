import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase

from accounts.models import User
from accounts.services import password_set
from attachments.services import attachment_create
from attachments.tests import samples
from audit.models import AuditEntry
from backups.archive import extract_verified
from backups.services import BackupError, backup_create, backup_restore
from fazhi import cli
from fazhi.testing import BaseTestCase
from orgs.models import Org
from orgs.services import org_update

ROOT = Path(__file__).resolve().parents[2]


def fazhi(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI against its own data dir and SQLite database, as on a fresh machine."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        {
            "FAZHI_DATA_DIR": str(data_dir),
            "FAZHI_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            # the key travels apart from the backups: the new machine is given the same one
            "FAZHI_AUDIT_KEY": settings.AUDIT_KEY,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "fazhi.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def manifest_of(archive: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return extract_verified(archive, Path(tmp), key=settings.AUDIT_KEY.encode())


class BackupTestCase(BaseTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="fazhi-backup-test-"))
        self.files = [
            attachment_create(
                actor=self.county,
                uploaded_file=SimpleUploadedFile("自评报告.pdf", samples.PDF),
                org=self.county_org,
            ),
            attachment_create(
                actor=self.office,
                uploaded_file=SimpleUploadedFile("照片.png", samples.png(3, 5)),
                org=self.office_org,
            ),
        ]
        org_update(actor=self.sysadmin, org=self.stranger_org, name="江海区（改）")
        password_set(actor=self.county, user=self.county, password="New#Passw0rd1")

    def test_it_restores_every_row_and_file_into_a_fresh_data_dir_and_the_audit_chain_verifies(self):
        archive = self.tmp / "backup.tar.gz"
        summary = backup_create(path=archive)
        original = manifest_of(archive)
        self.assertEqual(original["models"]["accounts.user"], User.objects.count())
        self.assertEqual(original["models"]["audit.auditentry"], AuditEntry.objects.count())
        self.assertEqual(summary["files"], 2)
        self.assertIn("accounts", original["migrations"])
        self.assertTrue(original["app_version"])

        fresh = self.tmp / "fresh"
        restored = fazhi(fresh, "backup", "restore", str(archive), "--json")
        self.assertEqual(restored.returncode, 0, restored.stderr)
        result = json.loads(restored.stdout)
        self.assertTrue(result["ok"])
        self.assertIn("校验备份文件", restored.stderr)  # progress goes to stderr

        verify = fazhi(fresh, "audit", "verify", "--json")
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
        self.assertTrue(json.loads(verify.stdout)["ok"])

        again = self.tmp / "again.zip"
        created = fazhi(fresh, "backup", "create", "-o", str(again), "--json")
        self.assertEqual(created.returncode, 0, created.stderr)
        second = manifest_of(again)
        # The restore and the second backup each append one audit entry; everything else is identical.
        expected = dict(
            original["models"], **{"audit.auditentry": original["models"]["audit.auditentry"] + 2}
        )
        self.assertEqual({k: second["models"].get(k) for k in expected}, expected)
        # Models the fresh database has beyond the backup (none, unless a migration landed meanwhile) are empty.
        self.assertEqual({k: v for k, v in second["models"].items() if k not in expected and v}, {})
        files = {k: v for k, v in original["members"].items() if k.startswith("files/")}
        self.assertEqual({k: v for k, v in second["members"].items() if k.startswith("files/")}, files)
        self.assertEqual(set(files), {f"files/{a.file.name}" for a in self.files})
        for model in ("accounts.user", "orgs.org", "attachments.attachment", "accounts.passwordhistory"):
            self.assertEqual(self._rows(original, archive, model), self._rows(second, again, model), model)

    def _rows(self, manifest, archive, label):
        with tempfile.TemporaryDirectory() as tmp:
            extract_verified(archive, Path(tmp), key=settings.AUDIT_KEY.encode())
            return sorted((Path(tmp) / "db" / f"{label}.jsonl").read_text(encoding="utf-8").splitlines())

    def test_it_refuses_a_corrupted_archive_with_a_clear_message_and_changes_nothing(self):
        archive = self.tmp / "backup.tar.gz"
        backup_create(path=archive)
        tampered = self.tmp / "tampered.tar.gz"
        with tarfile.open(archive, "r:gz") as src, tarfile.open(tampered, "w:gz") as dst:
            for member in src:
                data = src.extractfile(member).read()
                if member.name == "db/orgs.org.jsonl":
                    data = data.replace("江门市".encode(), "某某市".encode())
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
        before = (Org.objects.count(), User.objects.count(), AuditEntry.objects.count())
        with self.assertRaisesMessage(BackupError, "「db/orgs.org.jsonl」的 SHA-256 与清单不符"):
            backup_restore(path=tampered, force=True)
        self.assertEqual((Org.objects.count(), User.objects.count(), AuditEntry.objects.count()), before)

        fresh = self.tmp / "fresh"
        result = fazhi(fresh, "backup", "restore", str(tampered))
        self.assertEqual(result.returncode, 2)
        self.assertIn("SHA-256 与清单不符", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertFalse((fresh / "fazhi.sqlite3").exists() and (fresh / "fazhi.sqlite3").stat().st_size)

    def test_it_refuses_a_truncated_archive(self):
        archive = self.tmp / "backup.tar.gz"
        backup_create(path=archive)
        broken = self.tmp / "broken.tar.gz"
        broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        with self.assertRaisesMessage(BackupError, "已损坏或不完整"):
            backup_restore(path=broken)

    def test_it_refuses_a_file_that_is_not_a_backup(self):
        junk = self.tmp / "junk.tar.gz"
        junk.write_bytes(gzip.compress(b"hello"))
        with self.assertRaises(BackupError):
            backup_restore(path=junk)
        other = self.tmp / "other.zip"
        import zipfile

        with zipfile.ZipFile(other, "w") as z:
            z.writestr("../../evil.txt", "x")
        with self.assertRaisesMessage(BackupError, "不安全的路径"):
            backup_restore(path=other)

    def test_it_refuses_a_database_in_use_without_force(self):
        archive = self.tmp / "backup.zip"
        backup_create(path=archive)
        with self.assertRaisesMessage(BackupError, "目标数据库已有数据"):
            backup_restore(path=archive)

    def test_it_refuses_to_overwrite_an_existing_backup_file_or_a_wrong_extension(self):
        archive = self.tmp / "backup.zip"
        archive.write_bytes(b"old")
        with self.assertRaisesMessage(BackupError, "文件已存在"):
            backup_create(path=archive)
        self.assertEqual(archive.read_bytes(), b"old")
        with self.assertRaisesMessage(ValueError, "应以 .tar.gz 或 .zip 结尾"):
            backup_create(path=self.tmp / "backup.rar")
        from django.core.files.storage import default_storage

        with self.assertRaisesMessage(BackupError, "不能放在文件存储目录"):
            backup_create(path=Path(default_storage.location) / "b.zip")

    def test_it_audits_the_backup_itself(self):
        backup_create(path=self.tmp / "b.tar.gz")
        self.assertTrue(AuditEntry.objects.filter(action="backups.backup.created").exists())


class BackupCommandTestCase(TestCase):
    def test_it_prints_a_json_error_and_exits_2_on_bad_input(self):
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(["backup", "restore", "/nonexistent/b.tar.gz", "--json"], stdout=out, stderr=err)
        self.assertEqual(code, 2)
        self.assertIn("备份文件不存在", json.loads(out.getvalue())["error"]["message"])
        self.assertNotIn("Traceback", err.getvalue())

    def test_it_prints_a_one_line_summary(self):
        tmp = Path(tempfile.mkdtemp())
        out, err = io.StringIO(), io.StringIO()
        call_command("backup", "create", "-o", str(tmp / "b.tar.gz"), stdout=out, stderr=err)
        self.assertEqual(len(out.getvalue().strip().splitlines()), 1)
        self.assertIn("备份完成", out.getvalue())
        self.assertIn("数据表 accounts.user", err.getvalue())
