"""?limit and ?offset on every paginated API list: capped, and bad values are a 400
with the structured error, never a 500 (security issue, item 13, API part)."""

from __future__ import annotations

from unittest import mock

from rest_framework.test import APIClient

from api import pagination
from fazhi.testing import BaseTestCase

# Every paginated list of /api/v1 with a persona allowed to read it.
LISTS = (
    ("/api/v1/orgs/", "office"),
    ("/api/v1/users/", "sysadmin"),
    ("/api/v1/assessments/frameworks/", "office"),
    ("/api/v1/assessments/campaigns/", "office"),
    ("/api/v1/assessments/self-assessments/", "office"),
    ("/api/v1/assessments/scores/", "office"),
    ("/api/v1/performance/projects/", "office"),
    ("/api/v1/provincial/frameworks/", "office"),
    ("/api/v1/provincial/indicators/", "office"),
    ("/api/v1/provincial/tasks/", "office"),
)


class ApiPaginationTestCase(BaseTestCase):
    def get(self, url: str, persona: str, **params: str):
        client = APIClient()
        client.force_authenticate(self.personas[persona])
        return client.get(url, params)

    def test_it_caps_a_huge_limit_at_the_maximum(self):
        for url, persona in LISTS:
            with self.subTest(url=url), mock.patch.object(pagination, "MAX_LIMIT", 3):
                for limit in ("100000000", "9" * 5000):
                    response = self.get(url, persona, limit=limit)
                    self.assertEqual(response.status_code, 200)
                    self.assertLessEqual(len(response.json()["results"]), 3)
        orgs = self.get("/api/v1/orgs/", "office", limit="100000000").json()
        self.assertEqual(orgs["count"], 8)
        with mock.patch.object(pagination, "MAX_LIMIT", 3):
            orgs = self.get("/api/v1/orgs/", "office", limit="100000000").json()
        self.assertEqual(len(orgs["results"]), 3)
        self.assertIn("limit=3", orgs["next"])

    def test_it_refuses_a_limit_or_offset_that_is_not_a_positive_number(self):
        bad = [("limit", "-1"), ("limit", "0"), ("limit", "abc"), ("limit", "1e3"), ("limit", "١٠")]
        bad += [("offset", "-5"), ("offset", "x")]
        for url, persona in LISTS:
            for name, value in bad:
                with self.subTest(url=url, **{name: value}):
                    response = self.get(url, persona, **{name: value})
                    self.assertEqual(response.status_code, 400)
                    error = response.json()["error"]
                    self.assertEqual(error["code"], "invalid")
                    self.assertIn(name, error["fields"])

    def test_it_answers_an_offset_past_the_end_with_an_empty_page(self):
        response = self.get("/api/v1/orgs/", "office", offset="9" * 40)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["results"], [])

    def test_it_keeps_the_default_page_size_without_a_limit(self):
        with mock.patch.object(pagination.CappedLimitOffsetPagination, "default_limit", 2):
            response = self.get("/api/v1/orgs/", "office")
        self.assertEqual(len(response.json()["results"]), 2)
