"""The navigation and the view ask the same permission question once per request."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.testing import BaseTestCase
from performance.tests.fixtures import make_project


class NavigationQueriesTestCase(BaseTestCase):
    def test_it_asks_whether_the_org_has_a_budget_project_once_for_nav_to_dos_and_view(self):
        make_project(self.sfj)
        client = self.client_for(self.assessor)
        for url in ("/", "/performance/"):
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "绩效自评")
            asked = [
                q["sql"]
                for q in ctx.captured_queries
                if q["sql"].startswith('SELECT 1 AS "a" FROM "performance_budgetproject"')
            ]
            self.assertEqual(len(asked), 1, "\n".join(q["sql"] for q in ctx.captured_queries))

    def test_it_hides_the_item_from_a_user_whose_org_has_no_project(self):
        response = self.client_for(self.assessor_b).get("/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'href="/performance/"')
