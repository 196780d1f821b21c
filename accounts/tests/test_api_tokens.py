"""API tokens: only a hash is stored, the key is shown once, they expire, and they die
with the password (changed or reset) and with a locked or deactivated account."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, SecurityPolicy
from accounts.services import security_policy_update
from accounts.tests.test_views_accounts import PasswordLoginTestCase, login
from audit.models import AuditEntry
from fazhi.testing import PASSWORD

ME = "/api/v1/users/me/"


class ApiTokenTestCase(PasswordLoginTestCase):
    def create_key(self, user) -> str:
        api = APIClient()
        api.force_login(user)
        response = api.post("/api/v1/auth/token/")
        self.assertEqual(response.status_code, 201)
        return response.json()["token"]

    def with_key(self, key: str) -> APIClient:
        return APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    def assertKeyWorks(self, key: str) -> None:
        self.assertEqual(self.with_key(key).get(ME).status_code, 200)

    def assertKeyDead(self, key: str) -> None:
        response = self.with_key(key).get(ME)
        self.assertEqual(response.status_code, 401)
        self.assertIn("message", response.json()["error"])

    def test_it_stores_only_the_sha256_of_the_key(self):
        key = self.create_key(self.county)
        self.assertGreaterEqual(len(key), 40)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_apitoken")
            rows = cursor.fetchall()
        self.assertEqual(len(rows), 1)
        self.assertFalse([value for value in rows[0] if isinstance(value, str) and key in value])
        self.assertEqual(ApiToken.objects.get().key_hash, hashlib.sha256(key.encode()).hexdigest())
        for entry in AuditEntry.objects.all():
            self.assertNotIn(key, str(entry.data) + str(entry.after))
        self.assertKeyWorks(key)

    def test_it_shows_the_key_once_on_the_page_and_in_the_api(self):
        client = self.client_for(self.county)
        key = client.post(reverse("accounts:api_token"), {"action": "create"}).context["new_key"]
        page = client.get(reverse("accounts:api_token"))
        self.assertNotContains(page, key)
        self.assertContains(page, key[:6])
        self.assertContains(page, "有效期至")
        api = APIClient()
        api.force_login(self.county)
        self.assertNotIn(key, api.get("/api/v1/auth/token/").content.decode())
        self.assertKeyWorks(key)

    def test_it_expires_after_the_policy_lifetime(self):
        key = self.create_key(self.county)
        token = ApiToken.objects.get()
        token.created_at -= timedelta(days=89)
        token.save()
        self.assertKeyWorks(key)
        ApiToken.objects.update(created_at=token.created_at - timedelta(days=2))
        response = self.with_key(key).get(ME)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["error"]["code"], "token_expired")
        self.assertIn("已过期", response.json()["error"]["message"])
        self.assertContains(self.client_for(self.county).get(reverse("accounts:api_token")), "过期，请更换")
        # A shorter lifetime in the policy applies to tokens already issued.
        fresh = self.create_key(self.office)
        ApiToken.objects.filter(user=self.office).update(created_at=token.created_at + timedelta(days=80))
        self.assertKeyWorks(fresh)
        security_policy_update(actor=self.secadmin, token_lifetime_days=7)
        self.assertEqual(self.with_key(fresh).get(ME).json()["error"]["code"], "token_expired")

    def test_it_dies_when_the_user_changes_its_password(self):
        key = self.create_key(self.county)
        response = self.client_for(self.county).post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": "Fresh#Pw2026", "new_password2": "Fresh#Pw2026"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertKeyDead(key)
        self.assertFalse(ApiToken.objects.exists())
        entry = AuditEntry.objects.filter(action="accounts.token.revoked").get()
        self.assertEqual(entry.data["reason"], "password_changed")

    def test_it_dies_when_an_admin_resets_the_password(self):
        key = self.create_key(self.county)
        self.client_for(self.sysadmin).post(
            reverse("accounts:user_password", args=[self.county.pk]),
            {"new_password1": "Reset#Pw2026", "new_password2": "Reset#Pw2026"},
        )
        self.assertKeyDead(key)

    def test_it_dies_when_the_account_is_locked(self):
        key = self.create_key(self.county)
        other = self.create_key(self.stranger)
        for _ in range(SecurityPolicy.current().failure_limit):
            login(self.client, "pengjiang", "wrong-password")
        self.assertKeyDead(key)
        self.assertKeyWorks(other)
        entry = AuditEntry.objects.filter(action="accounts.token.revoked").get()
        self.assertEqual(entry.data["reason"], "locked_out")

    def test_it_dies_when_the_account_is_deactivated(self):
        key = self.create_key(self.county)
        sysadmin = APIClient()
        sysadmin.force_login(self.sysadmin)
        response = sysadmin.patch(f"/api/v1/users/{self.county.pk}/", {"is_active": False}, format="json")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ApiToken.objects.exists())
        # Reactivating the account does not bring the key back.
        sysadmin.patch(f"/api/v1/users/{self.county.pk}/", {"is_active": True}, format="json")
        self.assertKeyDead(key)

    def test_it_refuses_malformed_headers_with_the_structured_error(self):
        for header in ("Token", "Token a b", "Token \u00e9\u00e9", "Token " + "x" * 43):
            with self.subTest(header=header):
                response = APIClient(HTTP_AUTHORIZATION=header).get(ME)
                self.assertEqual(response.status_code, 401)
                self.assertIn("code", response.json()["error"])


class PlaintextTokenMigrationTestCase(PasswordLoginTestCase):
    def test_it_drops_the_old_plaintext_token_table(self):
        migration = import_module("accounts.migrations.0003_api_tokens_totp_replay_password_expiry")
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)")
            cursor.execute(
                "INSERT INTO authtoken_token VALUES ('0123456789abcdef0123456789abcdef01234567', 1)"
            )

        def execute(sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

        migration.drop_plaintext_drf_tokens(apps, SimpleNamespace(connection=connection, execute=execute))
        self.assertNotIn("authtoken_token", connection.introspection.table_names())
        # Run again (a fresh database never had the table): nothing to do, no error.
        migration.drop_plaintext_drf_tokens(apps, SimpleNamespace(connection=connection, execute=execute))
