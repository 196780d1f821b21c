"""List pages of the foundation run the same queries for 10 rows as for 60."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.services import audit_record
from fazhi.testing import BaseTestCase, make_org, make_user
from orgs.models import OrgType


class ListQueriesTestCase(BaseTestCase):
    def queries(self, client, url: str) -> list[str]:
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        self.assertEqual(response.status_code, 200)
        return [q["sql"] for q in ctx.captured_queries]

    def assert_constant(self, client, url: str, grow, table: str, own: int) -> None:
        before = self.queries(client, url)
        grow()
        after = self.queries(client, url)
        self.assertEqual(len(after), len(before), "\n".join(after))
        listing = [q for q in after if f'FROM "{table}"' in q and not q.endswith("LIMIT 21")]
        self.assertEqual(len(listing), own, "\n".join(after))

    def test_the_org_list_is_constant_in_the_number_of_orgs(self):
        def grow():
            for i in range(60):
                make_org(f"4407{i:02d}X", f"部门{i}", OrgType.DEPARTMENT, self.city)

        self.assert_constant(self.client_for(self.office), "/orgs/?per_page=100", grow, "orgs_org", own=2)

    def test_the_user_list_is_constant_in_the_number_of_users(self):
        def grow():
            for i in range(60):
                make_user(f"u{i}", self.county_org if i % 2 else self.sfj, "target" if i % 2 else "assessor")

        self.assert_constant(
            self.client_for(self.sysadmin), "/accounts/users/?per_page=100", grow, "accounts_user", own=2
        )

    def test_the_audit_list_is_constant_in_the_number_of_entries(self):
        audit_record(actor=self.office, action="test.thing.done")  # an empty list skips the page query

        def grow():
            for i in range(60):
                audit_record(actor=self.office if i % 2 else None, action="test.thing.done", data={"i": i})

        self.assert_constant(self.client_for(self.auditadmin), "/audit/", grow, "audit_auditentry", own=2)
