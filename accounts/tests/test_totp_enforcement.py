"""TOTP: mandatory enrolment for the three admins, enrolment needs the password again,
wrong codes count toward the lock-out, a code once accepted cannot be used again."""

from __future__ import annotations

import time
from datetime import datetime

import pyotp
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, SecurityPolicy, User
from accounts.services import security_policy_update, token_rotate
from accounts.tests.test_views_accounts import PasswordLoginTestCase, login
from audit.models import AuditEntry
from fazhi.testing import PASSWORD

TOTP_URL = reverse("accounts:totp_setup")


def give_totp(user: User) -> pyotp.TOTP:
    """A device enrolled before this test: no step of the drift window used yet."""
    totp = pyotp.TOTP(pyotp.random_base32())
    User.objects.filter(pk=user.pk).update(
        totp_secret=totp.secret, totp_enabled=True, totp_last_step=totp.timecode(datetime.now()) - 5
    )
    return totp


class MandatoryTotpTestCase(PasswordLoginTestCase):
    def setUp(self) -> None:
        super().setUp()
        security_policy_update(actor=self.secadmin, require_totp_for_admins=True)

    def test_it_gives_an_admin_without_totp_nothing_but_the_enrolment_page(self):
        client = self.client_for(self.sysadmin)
        for url in ("/", "/accounts/users/", "/orgs/", "/accounts/profile/", "/accounts/token/", "/jobs/"):
            with self.subTest(url=url):
                response = client.get(url)
                self.assertRedirects(response, TOTP_URL, fetch_redirect_response=False)
                self.assertIn("Content-Security-Policy", response)
        self.assertContains(client.get(TOTP_URL), "三员账号启用双因素认证")
        self.assertEqual(client.post("/accounts/users/new/", {"username": "x"}).status_code, 302)
        self.assertFalse(User.objects.filter(username="x").exists())

    def test_it_answers_403_on_the_api_with_a_session_or_an_older_token(self):
        api = APIClient()
        api.force_login(self.sysadmin)
        for method, url in (
            ("get", "/api/v1/users/me/"),
            ("get", "/api/v1/orgs/"),
            ("post", "/api/v1/auth/token/"),
        ):
            with self.subTest(url=url):
                response = getattr(api, method)(url)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(response.json()["error"]["code"], "totp_required")
                self.assertIn("双因素认证", response.json()["error"]["message"])
        self.assertFalse(ApiToken.objects.filter(user=self.sysadmin).exists())
        # A token created before the policy was switched on does not get round it.
        key = token_rotate(actor=self.auditadmin)[1]
        response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/users/me/")
        self.assertEqual(response.status_code, 403)
        self.assertIn("双因素认证", response.json()["error"]["message"])

    def test_it_sends_an_htmx_request_to_enrolment_instead_of_swapping_a_fragment(self):
        response = self.client_for(self.sysadmin).get("/orgs/", HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["HX-Redirect"], TOTP_URL)

    def test_it_still_serves_static_files_and_log_out(self):
        client = self.client_for(self.secadmin)
        self.assertEqual(client.get("/static/fazhi/app.css").status_code, 200)
        response = client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", client.session)

    def test_it_sends_the_admin_to_enrolment_at_log_in_and_opens_everything_after(self):
        client = Client()
        self.assertRedirects(login(client, "auditadmin"), TOTP_URL, fetch_redirect_response=False)
        client.get(TOTP_URL)
        secret = client.session["fazhi_totp_secret"]
        response = client.post(TOTP_URL, {"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
        self.assertRedirects(response, reverse("accounts:profile"), fetch_redirect_response=False)
        self.assertEqual(client.get("/audit/").status_code, 200)

    def test_it_leaves_other_roles_alone(self):
        client = self.client_for(self.office)
        self.assertEqual(client.get("/orgs/").status_code, 200)
        self.assertEqual(self.client_for(self.county).get("/api/v1/users/me/").status_code, 200)


class TotpEnrolmentTestCase(PasswordLoginTestCase):
    def test_it_refuses_enrolment_without_the_password(self):
        client = self.client_for(self.county)
        client.get(TOTP_URL)
        code = pyotp.TOTP(client.session["fazhi_totp_secret"]).now()
        response = client.post(TOTP_URL, {"code": code})
        self.assertContains(response, "该字段是必填项", status_code=200)
        response = client.post(TOTP_URL, {"password": "Not-my-pw1!", "code": code})
        self.assertContains(response, "当前密码不正确。")
        self.county.refresh_from_db()
        self.assertFalse(self.county.totp_enabled)
        self.assertEqual(self.county.totp_secret, "")
        # The wrong password counts toward the account's lock-out, like one at the log-in form.
        self.assertEqual(AccessAttempt.objects.get(username="pengjiang").failures_since_start, 1)
        self.assertTrue(
            AuditEntry.objects.filter(action="accounts.login.failed", actor_name="pengjiang").exists()
        )


class TotpLockoutTestCase(PasswordLoginTestCase):
    def test_it_locks_the_account_after_the_threshold_of_wrong_codes(self):
        totp = give_totp(self.county)
        limit = SecurityPolicy.current().failure_limit
        client = Client()
        self.assertRedirects(
            login(client, "pengjiang"), reverse("accounts:login_totp"), fetch_redirect_response=False
        )
        for _ in range(limit - 1):
            response = client.post(reverse("accounts:login_totp"), {"code": "000000"})
            self.assertContains(response, "动态验证码不正确或已过期")
        response = client.post(reverse("accounts:login_totp"), {"code": "000000"})
        self.assertContains(response, "账号已被临时锁定", status_code=429)
        # Locked: neither the right code nor a fresh log-in with the password gets in.
        response = client.post(reverse("accounts:login_totp"), {"code": totp.now()})
        self.assertNotIn("_auth_user_id", client.session)
        self.assertEqual(login(Client(), "pengjiang").status_code, 429)

    def test_it_adds_wrong_codes_to_wrong_passwords_in_one_tally(self):
        give_totp(self.county)
        security_policy_update(actor=self.secadmin, failure_limit=4)
        for _ in range(2):
            login(self.client, "pengjiang", "wrong-password")
        client = Client()
        login(client, "pengjiang")
        client.post(reverse("accounts:login_totp"), {"code": "000000"})
        response = client.post(reverse("accounts:login_totp"), {"code": "000000"})
        self.assertEqual(response.status_code, 429)
        self.assertEqual(login(Client(), "pengjiang").status_code, 429)


class TotpReplayTestCase(PasswordLoginTestCase):
    def log_in_with(self, code: str) -> Client:
        client = Client()
        login(client, "pengjiang")
        client.post(reverse("accounts:login_totp"), {"code": code})
        return client

    def test_it_refuses_a_code_already_accepted(self):
        totp = give_totp(self.county)
        code = totp.now()
        first = self.log_in_with(code)
        self.assertIn("_auth_user_id", first.session)
        replay = Client()
        login(replay, "pengjiang")
        response = replay.post(reverse("accounts:login_totp"), {"code": code})
        self.assertContains(response, "该动态验证码已使用过")
        self.assertNotIn("_auth_user_id", replay.session)
        self.assertEqual(AccessAttempt.objects.get(username="pengjiang").failures_since_start, 1)

    def test_it_refuses_a_code_of_an_earlier_step_than_the_last_accepted(self):
        totp = give_totp(self.county)
        now = time.time()
        # The next step's code is accepted (clock drift); this step's is then older.
        self.assertIn("_auth_user_id", self.log_in_with(totp.at(now + 30)).session)
        client = Client()
        login(client, "pengjiang")
        response = client.post(reverse("accounts:login_totp"), {"code": totp.at(now)})
        self.assertContains(response, "该动态验证码已使用过")
        self.assertNotIn("_auth_user_id", client.session)

    def test_it_refuses_the_enrolment_code_at_log_in(self):
        client = self.client_for(self.county)
        client.get(TOTP_URL)
        totp = pyotp.TOTP(client.session["fazhi_totp_secret"])
        code = totp.at(time.time() + 30)
        client.post(TOTP_URL, {"password": PASSWORD, "code": code})
        self.county.refresh_from_db()
        self.assertTrue(self.county.totp_enabled)
        self.assertNotIn("_auth_user_id", self.log_in_with(code).session)
