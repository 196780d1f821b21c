"""Queries of the home page per request (the load benchmark's most visited
page): the user's role and org come with the user (accounts.backends.UserBackend)."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from fazhi.testing import BaseTestCase

# session, user (with role and org), jobs, budget project check, campaigns,
# deadlines, problems, milestones, 述法 reviews, notices
TARGET_HOME_QUERIES = 10
OFFICE_HOME_QUERIES = 35


class HomeQueriesTestCase(BaseTestCase):
    def _home(self, user, expected: int) -> list[str]:
        client = self.client_for(user)
        client.get("/")  # warm the session
        with self.assertNumQueries(expected), CaptureQueriesContext(connection) as ctx:
            response = client.get("/")
        self.assertEqual(response.status_code, 200)
        return [q["sql"] for q in ctx.captured_queries]

    def test_it_reads_the_users_role_and_org_with_the_user(self):
        queries = self._home(self.county, TARGET_HOME_QUERIES)
        user_query = next(q for q in queries if 'FROM "accounts_user"' in q)
        self.assertIn('"accounts_role"', user_query)
        self.assertIn('"orgs_org"', user_query)
        self.assertFalse([q for q in queries if q.startswith('SELECT "accounts_role"')])

    def test_it_pins_the_office_home_page(self):
        self._home(self.office, OFFICE_HOME_QUERIES)

    @override_settings(
        AUTHENTICATION_BACKENDS=[
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
        ]
    )
    def test_it_costs_two_queries_more_with_djangos_own_backend(self):
        # the pin above means something: without UserBackend the role and the org are read apart
        self._home(self.county, TARGET_HOME_QUERIES + 2)

    def test_it_denies_the_cockpit_to_a_county(self):
        response = self.client_for(self.stranger).get("/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "驾驶舱")
