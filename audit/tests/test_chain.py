from django.db import connection
from django.test import TestCase

from audit import chain
from audit.models import AuditEntry
from audit.services import audit_record, audit_verify


class ChainTestCase(TestCase):
    def _write(self, n: int) -> None:
        for i in range(n):
            audit_record(actor=None, action="test.thing.done", target_repr=f"thing {i}", data={"i": i})

    def test_it_verifies_an_intact_log(self):
        self._write(5)
        self.assertIsNone(audit_verify())

    def test_it_refuses_update_and_delete_in_the_database(self):
        self._write(1)
        from django.db import DatabaseError, transaction

        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(seq=1).update(action="changed")
        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(seq=1).delete()

    def _tamper(self, sql: str) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER audit_entry_no_update")
                cursor.execute("DROP TRIGGER audit_entry_no_delete")
            else:
                cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            cursor.execute(sql)

    def test_it_names_the_first_altered_entry(self):
        self._write(5)
        self._tamper("UPDATE audit_auditentry SET target_repr = 'forged' WHERE seq = 3")
        broken = audit_verify()
        self.assertIsNotNone(broken)
        self.assertEqual(broken.seq, 3)

    def test_it_detects_a_removed_middle_entry(self):
        self._write(5)
        self._tamper("DELETE FROM audit_auditentry WHERE seq = 2")
        broken = audit_verify()
        self.assertEqual(broken.seq, 2)

    def test_it_detects_a_removed_tail(self):
        self._write(5)
        self._tamper("DELETE FROM audit_auditentry WHERE seq = 5")
        broken = audit_verify()
        self.assertEqual(broken.seq, 5)


class PureChainTestCase(TestCase):
    def test_it_changes_the_hash_when_content_changes(self):
        a = chain.entry_hash(chain.GENESIS, {"x": 1})
        b = chain.entry_hash(chain.GENESIS, {"x": 2})
        self.assertNotEqual(a, b)
        self.assertEqual(a, chain.entry_hash(chain.GENESIS, {"x": 1}))
