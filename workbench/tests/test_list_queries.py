"""List pages run the same queries for 10 rows as for 60, and each list page and API list
runs a pinned number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.services import audit_record
from fazhi.testing import BaseTestCase, make_org, make_user
from orgs.models import OrgType
from workbench.tests import authz_world


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


# Every list page and API list, as the persona that sees the most of it, over the
# matrix's objects: the whole request, page chrome (navigation, to-dos) included.
# A new navigation item or a query added to a list shows here as a changed number.
LIST_PAGES = {
    "orgs:list": "sysadmin",
    "accounts:user_list": "sysadmin",
    "accounts:admin_role_list": "secadmin",
    "audit:list": "auditadmin",
    "attachments:mine": "county",
    "jobs:list": "county",
    "performance:project_list": "office",
    "provincial:framework_list": "office",
    "provincial:task_list": "office",
    "provincial:result_list": "office",
    "assessments:framework_list": "office",
    "assessments:campaign_list": "office",
    "assessments:duty_list": "office",
    "assessments:results_index": "office",
    "assessments:appeal_list": "office",
    "problems:list": "office",
    "problems:campaign_list": "office",
}
API_LISTS = {
    "/api/v1/orgs/": "office",
    "/api/v1/users/": "sysadmin",
    "/api/v1/admin-role-requests/": "secadmin",
    "/api/v1/performance/projects/": "office",
    "/api/v1/provincial/frameworks/": "office",
    "/api/v1/provincial/indicators/": "office",
    "/api/v1/provincial/tasks/": "office",
    "/api/v1/provincial/results/": "office",
    "/api/v1/assessments/frameworks/": "office",
    "/api/v1/assessments/campaigns/": "office",
    "/api/v1/assessments/self-assessments/": "office",
    "/api/v1/assessments/scores/": "office",
    "/api/v1/assessments/scoring-duties/": "office",
    "/api/v1/assessments/results/": "office",
    "/api/v1/assessments/appeals/": "office",
    "/api/v1/assessments/rectifications/": "office",
    "/api/v1/problems/": "office",
    "/api/v1/problem-campaigns/": "office",
}


class ListQueryCountTestCase(BaseTestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        authz_world.build(cls)

    def count(self, persona: str, url: str) -> int:
        client = self.client_for(getattr(self, persona))
        client.get(url)  # the first request also writes the session
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(client.get(url).status_code, 200, url)
        return len(ctx.captured_queries)

    def test_it_renders_each_list_page_with_a_pinned_number_of_queries(self):
        counts = {name: self.count(persona, reverse(name)) for name, persona in LIST_PAGES.items()}
        # session, user with its role and org (accounts.backends), the navigation's checks, the page's own
        self.assertEqual(
            counts,
            {
                "orgs:list": 4,
                "accounts:user_list": 5,
                "accounts:admin_role_list": 4,
                "audit:list": 4,
                "attachments:mine": 5,
                "jobs:list": 5,
                "performance:project_list": 6,
                "provincial:framework_list": 5,
                "provincial:task_list": 6,
                "provincial:result_list": 3,
                "assessments:framework_list": 5,
                "assessments:campaign_list": 4,
                "assessments:duty_list": 6,
                "assessments:results_index": 4,
                "assessments:appeal_list": 4,
                "problems:list": 6,
                "problems:campaign_list": 3,
            },
        )

    def test_it_answers_each_api_list_with_a_pinned_number_of_queries(self):
        counts = {url: self.count(persona, url) for url, persona in API_LISTS.items()}
        self.assertEqual(
            counts,
            {
                "/api/v1/orgs/": 4,
                "/api/v1/users/": 4,
                "/api/v1/admin-role-requests/": 4,
                "/api/v1/performance/projects/": 4,
                "/api/v1/provincial/frameworks/": 4,
                "/api/v1/provincial/indicators/": 5,
                "/api/v1/provincial/tasks/": 5,
                "/api/v1/provincial/results/": 3,
                "/api/v1/assessments/frameworks/": 4,
                "/api/v1/assessments/campaigns/": 5,
                "/api/v1/assessments/self-assessments/": 5,
                "/api/v1/assessments/scores/": 5,
                "/api/v1/assessments/scoring-duties/": 3,
                "/api/v1/assessments/results/": 3,
                "/api/v1/assessments/appeals/": 5,
                "/api/v1/assessments/rectifications/": 4,
                "/api/v1/problems/": 4,
                "/api/v1/problem-campaigns/": 5,
            },
        )
