"""The API's 429 is real: per user, per address (not per X-Forwarded-For), and stricter
for creating a token (security issue, item 13, API part). Rates are overridden small."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from fazhi.testing import BaseTestCase


def rates(**overrides: str):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                "anon": "100/min",
                "user": "100/min",
                "token": "100/hour",
                **overrides,
            },
        }
    )


class ApiThrottleTestCase(BaseTestCase):
    def api(self, user=None, **defaults) -> APIClient:
        client = APIClient(**defaults)
        if user is not None:
            client.force_authenticate(user)
        return client

    def assertThrottled(self, response) -> None:
        self.assertEqual(response.status_code, 429)
        error = response.json()["error"]
        self.assertEqual(error["code"], "throttled")
        self.assertRegex(error["message"], r"^请求过于频繁，请 \d+ 秒后再试。$")
        self.assertGreaterEqual(int(response["Retry-After"]), 1)
        self.assertEqual(int(response["Retry-After"]), error["retry_after_seconds"])

    @rates(user="3/min")
    def test_it_answers_429_with_a_chinese_message_and_retry_after_once_a_user_passes_the_rate(self):
        client = self.api(self.county)
        for _ in range(3):
            self.assertEqual(client.get("/api/v1/users/me/").status_code, 200)
        self.assertThrottled(client.get("/api/v1/users/me/"))
        self.assertThrottled(client.get("/api/v1/orgs/"))
        self.assertEqual(self.api(self.office).get("/api/v1/users/me/").status_code, 200)

    @rates(anon="2/min")
    def test_it_counts_anonymous_callers_by_address_whatever_x_forwarded_for_says(self):
        client = self.api(REMOTE_ADDR="203.0.113.7")
        for _ in range(2):
            self.assertEqual(client.get("/api/v1/openapi.json").status_code, 200)
        for spoofed in ("198.51.100.1", "198.51.100.2, 10.0.0.1"):
            self.assertThrottled(client.get("/api/v1/openapi.json", HTTP_X_FORWARDED_FOR=spoofed))
        self.assertEqual(self.api(REMOTE_ADDR="203.0.113.8").get("/api/v1/openapi.json").status_code, 200)

    @rates(token="2/hour")
    def test_it_limits_creating_a_token_more_strictly_than_other_calls(self):
        client = self.api(self.county)
        for _ in range(2):
            self.assertEqual(client.post("/api/v1/auth/token/").status_code, 201)
        self.assertThrottled(client.post("/api/v1/auth/token/"))
        self.assertEqual(client.get("/api/v1/auth/token/").status_code, 200)
        self.assertEqual(self.api(self.office).post("/api/v1/auth/token/").status_code, 201)
