"""A password reset by an admin or past the policy's age must be changed before anything
else; an idle session ends on the server, whatever the cookie says."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.middleware import LAST_SEEN
from accounts.models import SecurityPolicy, User
from accounts.services import security_policy_update
from accounts.tests.test_views_accounts import PasswordLoginTestCase, login
from audit.models import AuditEntry
from fazhi.testing import PASSWORD

CHANGE_URL = reverse("accounts:password_change")
NEW = "Mine#Pw2026x"


def change(client: Client, old: str, new: str = NEW):
    return client.post(CHANGE_URL, {"old_password": old, "new_password1": new, "new_password2": new})


class ForcedPasswordChangeTestCase(PasswordLoginTestCase):
    RESET = "Reset#Pw2026"

    def reset_by_admin(self) -> None:
        response = self.client_for(self.sysadmin).post(
            reverse("accounts:user_password", args=[self.county.pk]),
            {"new_password1": self.RESET, "new_password2": self.RESET},
        )
        self.assertEqual(response.status_code, 302)

    def test_it_lets_a_user_whose_password_an_admin_reset_reach_only_the_change_page(self):
        self.reset_by_admin()
        client = Client()
        response = login(client, "pengjiang", self.RESET)
        self.assertRedirects(response, CHANGE_URL, fetch_redirect_response=False)
        self.assertContains(client.get(CHANGE_URL), "请先修改密码")
        for url in ("/", "/orgs/", "/accounts/profile/", "/accounts/token/", "/accounts/totp/"):
            with self.subTest(url=url):
                self.assertRedirects(client.get(url), CHANGE_URL, fetch_redirect_response=False)
        api = client.get("/api/v1/users/me/")
        self.assertEqual(api.status_code, 403)
        self.assertEqual(api.json()["error"]["code"], "password_change_required")
        self.assertEqual(client.post("/api/v1/auth/token/").status_code, 403)

        self.assertRedirects(
            change(client, self.RESET), reverse("accounts:profile"), fetch_redirect_response=False
        )
        self.assertEqual(client.get("/orgs/").status_code, 200)
        self.assertEqual(client.get("/api/v1/users/me/").status_code, 200)

    def test_it_does_not_force_a_change_the_user_made_itself(self):
        client = self.client_for(self.county)
        change(client, PASSWORD)
        self.assertEqual(client.get("/orgs/").status_code, 200)
        self.assertRedirects(login(Client(), "pengjiang", NEW), "/", fetch_redirect_response=False)

    def test_it_forces_a_change_of_an_initial_password_an_admin_chose(self):
        self.client_for(self.sysadmin).post(
            reverse("accounts:user_create"),
            {
                "username": "newbie",
                "name": "新人",
                "org": self.county_org.pk,
                "role": "target",
                "password": "Initial#Pw2026",
                "is_active": "on",
            },
        )
        self.assertTrue(User.objects.get(username="newbie").must_change_password)
        self.assertRedirects(
            login(Client(), "newbie", "Initial#Pw2026"), CHANGE_URL, fetch_redirect_response=False
        )

    def test_it_still_lets_the_user_log_out(self):
        self.reset_by_admin()
        client = Client()
        login(client, "pengjiang", self.RESET)
        self.assertRedirects(
            client.post(reverse("accounts:logout")), reverse("accounts:login"), fetch_redirect_response=False
        )
        self.assertTrue(AuditEntry.objects.filter(action="accounts.logout", actor=self.county).exists())


class PasswordExpiryTestCase(PasswordLoginTestCase):
    def age_password(self, days: int) -> None:
        User.objects.filter(pk=self.county.pk).update(
            password_changed_at=timezone.now() - timedelta(days=days)
        )

    def test_it_forces_the_change_of_an_expired_password_at_log_in(self):
        self.age_password(91)
        client = Client()
        self.assertRedirects(login(client, "pengjiang"), CHANGE_URL, fetch_redirect_response=False)
        self.assertRedirects(client.get("/"), CHANGE_URL, fetch_redirect_response=False)
        change(client, PASSWORD)
        self.assertEqual(client.get("/").status_code, 200)

    def test_it_follows_the_age_the_secadmin_sets_and_zero_means_never(self):
        self.age_password(89)
        self.assertRedirects(login(Client(), "pengjiang"), "/", fetch_redirect_response=False)
        security_policy_update(actor=self.secadmin, password_max_age_days=30)
        self.assertRedirects(login(Client(), "pengjiang"), CHANGE_URL, fetch_redirect_response=False)
        security_policy_update(actor=self.secadmin, password_max_age_days=0)
        self.age_password(3650)
        self.assertRedirects(login(Client(), "pengjiang"), "/", fetch_redirect_response=False)

    def test_it_ages_a_password_never_changed_from_the_account_creation(self):
        User.objects.filter(pk=self.county.pk).update(
            password_changed_at=None, date_joined=timezone.now() - timedelta(days=100)
        )
        self.assertRedirects(login(Client(), "pengjiang"), CHANGE_URL, fetch_redirect_response=False)

    def test_the_policy_form_refuses_an_out_of_range_age_in_chinese(self):
        response = self.client_for(self.secadmin).post(
            reverse("accounts:security_policy"),
            {
                "min_length": 8,
                "min_classes": 3,
                "history_count": 5,
                "failure_limit": 5,
                "lockout_minutes": 15,
                "session_timeout_minutes": 30,
                "password_max_age_days": 3,
                "token_lifetime_days": 0,
                "address_failure_limit": 1,
                "address_window_minutes": 0,
            },
        )
        self.assertContains(response, "密码有效期应在 7 到 365 天之间")
        self.assertContains(response, "API 令牌有效期应在 1 到 365 天之间")
        self.assertContains(response, "同一来源地址失败上限应在 5 到 200 次之间")
        self.assertContains(response, "来源地址失败统计时长应在 1 到 120 分钟之间")


class IdleSessionTestCase(PasswordLoginTestCase):
    def idle(self, client: Client, minutes: float) -> None:
        session = client.session
        session[LAST_SEEN] = time.time() - minutes * 60
        session.save()

    def test_it_starts_the_idle_clock_on_the_server_at_log_in(self):
        client = Client()
        login(client, "pengjiang")
        self.assertAlmostEqual(client.session[LAST_SEEN], time.time(), delta=5)

    def test_it_ends_an_idle_session_even_when_the_cookie_is_sent_fresh(self):
        client = Client()
        login(client, "pengjiang")
        self.idle(client, 31)
        # The client re-sends the cookie as if it were new: the age that counts is on the server.
        client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] = 10 * 365 * 24 * 3600
        client.cookies[settings.SESSION_COOKIE_NAME]["expires"] = ""
        self.assertRedirects(
            client.get("/orgs/"), "/accounts/login/?next=/orgs/", fetch_redirect_response=False
        )
        self.assertNotIn("_auth_user_id", client.session)

    def test_it_ends_an_idle_session_on_the_api_too(self):
        api = APIClient()
        api.post(reverse("accounts:login"), {"username": "pengjiang", "password": PASSWORD})
        self.assertEqual(api.get("/api/v1/users/me/").status_code, 200)
        self.idle(api, 31)
        response = api.get("/api/v1/users/me/")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["error"]["code"], "not_authenticated")
        self.assertEqual(api.get("/api/v1/users/me/").status_code, 401)

    def test_it_does_not_trust_a_session_without_a_server_side_timestamp(self):
        client = Client()
        login(client, "pengjiang")
        session = client.session
        del session[LAST_SEEN]
        session.save()
        self.assertRedirects(
            client.get("/orgs/"), "/accounts/login/?next=/orgs/", fetch_redirect_response=False
        )
        self.assertEqual(client.get("/").status_code, 302)

    def test_it_follows_the_timeout_the_secadmin_sets(self):
        security_policy_update(actor=self.secadmin, session_timeout_minutes=5)
        client = Client()
        login(client, "pengjiang")
        self.idle(client, 4)
        self.assertEqual(client.get("/orgs/").status_code, 200)
        self.idle(client, 6)
        self.assertEqual(client.get("/orgs/").status_code, 302)

    def test_a_request_reads_the_policy_once_for_the_gate_and_the_idle_check(self):
        client = Client()
        login(client, "pengjiang")
        with mock.patch.object(SecurityPolicy, "current", wraps=SecurityPolicy.current) as current:
            self.assertEqual(client.get("/orgs/").status_code, 200)
        self.assertEqual(current.call_count, 1)
        # and the next request reads it afresh: a change is seen at once
        security_policy_update(actor=self.secadmin, session_timeout_minutes=5)
        self.idle(client, 6)
        self.assertEqual(client.get("/orgs/").status_code, 302)
