"""Tamper evidence that survives database access: every entry carries an HMAC
under a key kept outside the database, and the chain head is anchored in a file
beside it. Rebuilding the chain, appending forged rows or cutting the tail with
database access alone is caught by `fazhi audit verify`."""

from __future__ import annotations

import datetime
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from audit import anchors, chain, services
from audit.models import AuditEntry, AuditHead
from audit.services import audit_anchor, audit_record, audit_verify
from fazhi.testing import BaseTestCase

ROOT = Path(__file__).resolve().parents[2]


def write(n: int) -> None:
    for i in range(n):
        audit_record(actor=None, action="test.thing.done", target_repr=f"thing {i}", data={"i": i})


def without_triggers() -> None:
    """What someone with the database owner's rights (not the app's) can do."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")


def rebuild_chain_from(seq: int, **changes: object) -> None:
    """Alter entry `seq` and recompute every hash after it, as a database
    administrator could, without the key: the HMACs are left as they were."""
    without_triggers()
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else chain.GENESIS
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        if entry.seq == seq:
            for name, value in changes.items():
                setattr(entry, name, value)
        entry.prev_hash = prev
        entry.hash = chain.entry_hash(prev, entry.content())
        AuditEntry.objects.filter(pk=entry.pk).update(
            prev_hash=entry.prev_hash, hash=entry.hash, **{k: getattr(entry, k) for k in changes}
        )
        prev = entry.hash
    AuditHead.objects.filter(pk=1).update(hash=prev)


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


class RebuiltChainTestCase(TestCase):
    def test_it_detects_a_chain_rebuilt_after_altering_a_row(self):
        write(5)
        rebuild_chain_from(3, target_repr="伪造的对象")
        broken = audit_verify()
        self.assertIsNotNone(broken)
        self.assertEqual(broken.seq, 3)
        self.assertIn("校验码（HMAC）不符", broken.reason)

    def test_it_detects_an_appended_forged_row(self):
        write(3)
        head = AuditHead.objects.get(pk=1)
        forged = AuditEntry.objects.get(seq=3)
        forged.pk, forged.seq, forged.prev_hash = None, 4, head.hash
        forged.action, forged.mac = "accounts.user.created", None
        forged.hash = chain.entry_hash(forged.prev_hash, forged.content())
        forged.save(force_insert=True)  # INSERT is what the app role may do
        AuditHead.objects.filter(pk=1).update(seq=4, hash=forged.hash)
        broken = audit_verify()
        self.assertEqual(broken.seq, 4)
        self.assertIn("没有校验码", broken.reason)

    def test_it_detects_a_forged_row_with_a_made_up_hmac(self):
        write(3)
        rebuild_chain_from(2, action="accounts.user.deleted", mac="0" * 64)
        self.assertEqual(audit_verify().seq, 2)

    @override_settings(AUDIT_KEY="another-key-of-at-least-thirty-two-characters")
    def test_it_names_a_wrong_key(self):
        write(2)
        with override_settings(AUDIT_KEY="yet-another-key-of-at-least-thirty-two-characters"):
            broken = audit_verify()
        self.assertEqual(broken.seq, 1)
        self.assertIn("审计密钥", broken.reason)


class AnchorTestCase(TestCase):
    def test_it_detects_a_removed_tail_that_the_head_row_was_made_to_agree_with(self):
        write(5)
        audit_anchor()
        without_triggers()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE seq > 3")
        AuditHead.objects.filter(pk=1).update(seq=3, hash=AuditEntry.objects.get(seq=3).hash)
        broken = audit_verify()
        self.assertEqual(broken.seq, 4)
        self.assertIn("锚点文件", broken.reason)

    def test_it_detects_a_rebuilt_chain_of_entries_older_than_hmacs_through_the_anchor(self):
        write(4)
        without_triggers()
        AuditEntry.objects.update(mac=None)  # as written before this version
        self.assertIn("没有校验码", audit_verify().reason)  # unsealed: could be forged
        out = io.StringIO()
        call_command("audit", "anchor", stdout=out)  # the first anchor seals them
        self.assertIn("已写入锚点：第 4 条", out.getvalue())
        self.assertIsNone(audit_verify())
        rebuild_chain_from(2, target_repr="改写")
        broken = audit_verify()
        self.assertEqual(broken.seq, 4)
        self.assertIn("锚点文件", broken.reason)

    def test_it_detects_an_edited_or_forged_anchor_line(self):
        write(3)
        audit_anchor()
        line = anchor_file().read_text()
        anchor_file().write_text(line.replace("seq=3", "seq=2"))
        broken = audit_verify()
        self.assertIn("锚点文件第 1 行", broken.reason)
        self.assertIn("校验码（HMAC）不符", broken.reason)

    @override_settings(AUDIT_ANCHOR_EVERY=3)
    def test_it_anchors_every_n_entries_once_committed_and_never_a_rolled_back_one(self):
        with self.captureOnCommitCallbacks(execute=True):
            write(1)  # no anchor yet: the first entry is anchored
        for _ in range(7):
            with self.captureOnCommitCallbacks(execute=True):
                write(1)
        seqs = [int(line.split("seq=")[1].split()[0]) for line in anchor_file().read_text().splitlines()]
        self.assertEqual(seqs, [1, 4, 7])
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    write(3)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        self.assertEqual(callbacks, [])
        self.assertEqual(len(anchor_file().read_text().splitlines()), 3)
        self.assertIsNone(audit_verify())

    @override_settings(AUDIT_ANCHOR_EVERY=1000, AUDIT_ANCHOR_MINUTES=60)
    def test_it_anchors_when_the_minutes_have_passed_since_any_process_anchored(self):
        with self.captureOnCommitCallbacks(execute=True):
            write(2)  # the first entry is anchored, the second is not due
        self.assertEqual(len(anchor_file().read_text().splitlines()), 1)
        # The newest anchor in the file is from two hours ago (written by another process).
        head = AuditEntry.objects.get(seq=2)
        two_hours_ago = timezone.localtime(timezone.now() - datetime.timedelta(hours=2))
        old = chain.Anchor(at=two_hours_ago.isoformat(timespec="seconds"), seq=2, hash=head.hash)
        anchor_file().write_text(anchors.format_line(settings.AUDIT_KEY.encode(), old) + "\n")
        services._last_anchor.clear()
        with self.captureOnCommitCallbacks(execute=True):
            write(1)
        self.assertIn("seq=3 ", anchor_file().read_text().splitlines()[-1])
        self.assertIsNone(audit_verify())

    def test_it_also_sends_the_anchor_to_syslog(self):
        receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(5)
        self.addCleanup(receiver.close)
        write(2)
        with override_settings(AUDIT_SYSLOG=f"127.0.0.1:{receiver.getsockname()[1]}"):
            anchor = audit_anchor()
        message = receiver.recv(4096).decode()
        self.assertIn(f"seq=2 hash={anchor.hash}", message)
        self.assertIn(f"seq=2 hash={anchor.hash}", anchor_file().read_text())

    def test_it_keeps_the_anchor_file_private_and_append_only(self):
        write(1)
        audit_anchor()
        audit_anchor()
        self.assertEqual(os.stat(anchor_file()).st_mode & 0o777, 0o600)
        self.assertEqual(len(anchor_file().read_text().splitlines()), 2)


class AuditCommandTestCase(TestCase):
    def test_it_exits_0_when_intact_and_1_naming_the_first_bad_entry(self):
        write(4)
        call_command("audit", "anchor", stdout=io.StringIO())
        out = io.StringIO()
        call_command("audit", "verify", "--json", stdout=out)
        result = json.loads(out.getvalue())
        self.assertEqual((result["ok"], result["entries"], result["anchors"]), (True, 4, 1))
        rebuild_chain_from(2, data={"i": 99})
        out, err = io.StringIO(), io.StringIO()
        with self.assertRaises(SystemExit) as ctx:
            call_command("audit", "verify", stdout=out, stderr=err)
        self.assertEqual(ctx.exception.code, 1)
        self.assertIn("第一条有问题的记录为 #2", err.getvalue())

    def test_it_refuses_to_anchor_a_broken_log(self):
        write(3)
        rebuild_chain_from(2, data={"i": 99})
        with self.assertRaises(SystemExit) as ctx:
            call_command("audit", "anchor", stdout=io.StringIO(), stderr=io.StringIO())
        self.assertEqual(ctx.exception.code, 1)
        self.assertFalse(anchor_file().exists())

    def test_it_verifies_against_a_copy_of_the_anchor_file(self):
        write(3)
        audit_anchor()
        copy = anchor_file().with_name("anchors-copy.log")
        copy.write_text(anchor_file().read_text())
        anchor_file().unlink()  # e.g. the server's copy was lost
        without_triggers()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE seq = 3")
        AuditHead.objects.filter(pk=1).update(seq=2, hash=AuditEntry.objects.get(seq=2).hash)
        call_command("audit", "verify", stdout=io.StringIO())  # the local file is gone: nothing to compare
        with self.assertRaises(SystemExit):
            call_command(
                "audit", "verify", "--anchor-file", str(copy), stdout=io.StringIO(), stderr=io.StringIO()
            )

    def test_it_answers_a_bad_anchor_file_with_a_chinese_message_and_exit_2(self):
        for path, message in (("/nonexistent/anchors.log", "锚点文件不存在"), (str(ROOT), "不是文件")):
            with self.assertRaises(CommandError) as ctx:
                call_command("audit", "verify", "--anchor-file", path, stdout=io.StringIO())
            self.assertEqual(ctx.exception.returncode, 2)
            self.assertIn(message, str(ctx.exception))

    def test_it_answers_an_unwritable_anchor_file_with_exit_2(self):
        write(1)
        with override_settings(AUDIT_ANCHOR_FILE=ROOT), self.assertRaises(CommandError) as ctx:
            call_command("audit", "anchor", stdout=io.StringIO())
        self.assertEqual(ctx.exception.returncode, 2)
        self.assertIn("是一个目录", str(ctx.exception))

    def test_it_exits_2_without_a_traceback_from_the_command_line(self):
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env["FAZHI_DATA_DIR"] = str(Path(settings.AUDIT_ANCHOR_FILE).parent / "cli")
        result = subprocess.run(
            [sys.executable, "-m", "fazhi.cli", "audit", "verify", "--anchor-file", "/nonexistent/a.log"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("锚点文件不存在", result.stderr)
        self.assertNotIn("Traceback", result.stderr)


class VerifyPageTestCase(BaseTestCase):
    def test_it_shows_the_audit_admin_a_rebuilt_chain_and_the_anchors(self):
        write(3)
        audit_anchor()
        client = self.client_for(self.auditadmin)
        response = client.get(reverse("audit:verify"))
        self.assertContains(response, "校验通过：共 3 条记录")
        self.assertContains(response, "1 个锚点，最近一次为第 3 条")
        rebuild_chain_from(2, target_repr="改写")
        response = client.get(reverse("audit:verify"))
        self.assertContains(response, "校验未通过：第 2 条记录的校验码（HMAC）不符")
        for user in (self.sysadmin, self.county, self.stranger):
            self.assertEqual(self.client_for(user).get(reverse("audit:verify")).status_code, 403)
