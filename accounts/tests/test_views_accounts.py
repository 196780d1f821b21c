"""Log-in security: lock-out, TOTP, password policy, idle timeout, CSRF, CSP, cookies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyotp
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_SEEN
from accounts.models import SecurityPolicy
from accounts.services import security_policy_update
from audit.models import AuditEntry
from fazhi.testing import PASSWORD, BaseTestCase

ROOT = Path(__file__).resolve().parents[2]


class PasswordLoginTestCase(BaseTestCase):
    """BaseTestCase hashes the personas' passwords in setUpTestData, before the suite's
    fast-hasher setting applies, so those hashes cannot be checked; re-hash them here."""

    def setUp(self) -> None:
        super().setUp()
        for user in self.personas.values():
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])


def login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


class LoginTestCase(PasswordLoginTestCase):
    def test_it_logs_in_and_lands_on_the_home_page(self):
        response = login(self.client, "office")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        home = self.client.get("/")
        self.assertContains(home, "我的待办")
        entry = AuditEntry.objects.get(action="accounts.login.succeeded")
        self.assertEqual((entry.actor_id, entry.ip), (self.office.pk, "127.0.0.1"))

    def test_it_follows_a_safe_next_but_not_an_external_one(self):
        response = self.client.post(
            reverse("accounts:login") + "?next=/orgs/", {"username": "office", "password": PASSWORD}
        )
        self.assertRedirects(response, "/orgs/", fetch_redirect_response=False)
        client = Client()
        response = client.post(
            reverse("accounts:login") + "?next=https://evil.example/",
            {"username": "office", "password": PASSWORD},
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_says_wrong_password_in_chinese_and_audits_the_failure(self):
        response = login(self.client, "office", "wrong-password")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "用户名或密码不正确。")
        entry = AuditEntry.objects.get(action="accounts.login.failed")
        self.assertEqual((entry.actor_id, entry.actor_name), (None, "office"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_locks_the_account_after_the_policy_limit_with_the_minutes_to_wait(self):
        limit = SecurityPolicy.current().failure_limit
        for _ in range(limit - 1):
            self.assertEqual(login(self.client, "pengjiang", "bad").status_code, 200)
        response = login(self.client, "pengjiang", "bad")
        self.assertEqual(response.status_code, 429)
        self.assertContains(
            response, "登录失败次数过多，账号已被临时锁定。请在 15 分钟后再试", status_code=429
        )
        # Even the right password is refused while locked; other accounts are not affected.
        self.assertEqual(login(Client(), "pengjiang").status_code, 429)
        self.assertEqual(login(Client(), "jianghai").status_code, 302)

    def test_it_follows_the_limit_and_duration_the_secadmin_sets(self):
        security_policy_update(actor=self.secadmin, failure_limit=3, lockout_minutes=7)
        for _ in range(2):
            login(self.client, "pengjiang", "bad")
        response = login(self.client, "pengjiang", "bad")
        self.assertContains(response, "请在 7 分钟后再试", status_code=429)

    def test_it_lets_the_secadmin_unlock_an_account(self):
        limit = SecurityPolicy.current().failure_limit
        for _ in range(limit):
            login(self.client, "pengjiang", "bad")
        self.assertEqual(login(Client(), "pengjiang").status_code, 429)
        page = self.client_for(self.secadmin).get(reverse("accounts:security_policy"))
        self.assertContains(page, "<td>pengjiang</td>")
        home = self.client_for(self.secadmin).get("/")
        self.assertContains(home, "1 个账号因登录失败被锁定")
        response = self.client_for(self.secadmin).post(
            reverse("accounts:lockout_unlock"), {"unlock-username": "pengjiang"}
        )
        self.assertRedirects(response, reverse("accounts:security_policy"), fetch_redirect_response=False)
        self.assertEqual(login(Client(), "pengjiang").status_code, 302)
        self.assertTrue(
            AuditEntry.objects.filter(action="accounts.lockout.reset", actor=self.secadmin).exists()
        )

    def test_it_logs_out_by_post_only_and_audits_it(self):
        client = self.client_for(self.county)
        self.assertEqual(client.get(reverse("accounts:logout")).status_code, 405)
        response = client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertEqual(client.get("/").status_code, 302)
        self.assertTrue(AuditEntry.objects.filter(action="accounts.logout", actor=self.county).exists())

    def test_it_refuses_an_inactive_account(self):
        self.county.is_active = False
        self.county.save()
        response = login(self.client, "pengjiang")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)


class TotpTestCase(PasswordLoginTestCase):
    def enable_totp(self, user) -> str:
        client = self.client_for(user)
        page = client.get(reverse("accounts:totp_setup"))
        self.assertContains(page, "data:image/svg+xml")
        secret = client.session["fazhi_totp_secret"]
        response = client.post(reverse("accounts:totp_setup"), {"password": PASSWORD, "code": "000000"})
        self.assertContains(response, "验证码不正确")
        response = client.post(
            reverse("accounts:totp_setup"), {"password": PASSWORD, "code": pyotp.TOTP(secret).now()}
        )
        self.assertRedirects(response, reverse("accounts:profile"), fetch_redirect_response=False)
        user.refresh_from_db()
        self.assertTrue(user.totp_enabled)
        return secret

    def test_it_asks_for_the_code_after_the_password_once_enabled(self):
        secret = self.enable_totp(self.secadmin)
        response = self.client.post(
            reverse("accounts:login") + "?next=/accounts/security/",
            {"username": "secadmin", "password": PASSWORD},
        )
        self.assertRedirects(response, reverse("accounts:login_totp"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.client.get("/").status_code, 302)  # not logged in yet
        response = self.client.post(reverse("accounts:login_totp"), {"code": "12345"})
        self.assertContains(response, "请输入认证器上显示的 6 位数字")
        response = self.client.post(reverse("accounts:login_totp"), {"code": "000000"})
        self.assertContains(response, "动态验证码不正确或已过期")
        # The enrolment used this step's code: the next step's (within the drift window) opens.
        next_code = pyotp.TOTP(secret).at(time.time() + 30)
        response = self.client.post(reverse("accounts:login_totp"), {"code": next_code})
        self.assertRedirects(response, "/accounts/security/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 200)
        self.assertTrue(
            AuditEntry.objects.filter(action="accounts.totp.enabled", actor=self.secadmin).exists()
        )

    def test_it_sends_admins_to_set_up_totp_when_the_policy_requires_it(self):
        security_policy_update(actor=self.secadmin, require_totp_for_admins=True)
        response = login(self.client, "auditadmin")
        self.assertRedirects(response, reverse("accounts:totp_setup"), fetch_redirect_response=False)
        response = login(Client(), "office")
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_lets_any_user_turn_totp_on_for_itself(self):
        for user in (self.office, self.county, self.expert):
            with self.subTest(user=user.username):
                self.assertContains(self.client_for(user).get(reverse("accounts:profile")), "启用双因素认证")
                self.enable_totp(user)


class PasswordPolicyTestCase(PasswordLoginTestCase):
    def change(self, client, old, new):
        return client.post(
            reverse("accounts:password_change"),
            {"old_password": old, "new_password1": new, "new_password2": new},
        )

    def test_it_requires_length_and_character_classes(self):
        client = self.client_for(self.county)
        self.assertContains(self.change(client, PASSWORD, "Ab1!"), "密码至少需要 8 个字符。")
        self.assertContains(
            self.change(client, PASSWORD, "abcdefghijk"),
            "密码需包含大写字母、小写字母、数字、符号中的至少 3 类。",
        )
        self.assertContains(self.change(client, "not-my-password", "Zx#9876543a"), "当前密码不正确。")

    def test_it_refuses_the_last_five_passwords_and_allows_the_sixth(self):
        client = self.client_for(self.county)
        passwords = [PASSWORD] + [f"Rotate#{i}abcXYZ" for i in range(1, 6)]
        for old, new in zip(passwords, passwords[1:], strict=False):
            response = self.change(client, old, new)
            self.assertRedirects(response, reverse("accounts:profile"), fetch_redirect_response=False)
        current = passwords[-1]
        for old in passwords:
            with self.subTest(old=old):
                self.assertContains(self.change(client, current, old), "不能使用最近 5 次用过的密码")
        self.assertRedirects(
            self.change(client, current, "Rotate#6abcXYZ"),
            reverse("accounts:profile"),
            fetch_redirect_response=False,
        )
        self.assertRedirects(
            self.change(client, "Rotate#6abcXYZ", PASSWORD),
            reverse("accounts:profile"),
            fetch_redirect_response=False,
        )
        self.assertEqual(AuditEntry.objects.filter(action="accounts.password.changed").count(), 7)


class SessionTestCase(PasswordLoginTestCase):
    def test_it_logs_out_an_idle_session_after_the_policy_timeout(self):
        client = self.client_for(self.county)
        self.assertEqual(client.get("/").status_code, 200)
        session = client.session
        session[LAST_SEEN] = time.time() - 29 * 60
        session.save()
        self.assertEqual(client.get("/").status_code, 200)
        session = client.session
        session[LAST_SEEN] = time.time() - 31 * 60
        session.save()
        response = client.get("/orgs/")
        self.assertRedirects(response, "/accounts/login/?next=/orgs/", fetch_redirect_response=False)
        page = client.get(response["Location"])
        self.assertContains(page, "长时间未操作，已自动退出登录")
        self.assertEqual(client.get("/").status_code, 302)

    def test_it_shows_a_chinese_page_when_csrf_fails(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("accounts:login"), {"username": "office", "password": PASSWORD})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "CSRF 校验失败", status_code=403)
        self.assertContains(response, "请刷新页面后重新提交", status_code=403)
        self.assertNotIn("_auth_user_id", client.session)

    def test_it_accepts_the_form_with_its_token(self):
        client = Client(enforce_csrf_checks=True)
        page = client.get(reverse("accounts:login"))
        token = page.context["csrf_token"]
        response = client.post(
            reverse("accounts:login"),
            {"username": "office", "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        self.assertEqual(response.status_code, 302)


class SecurityHeadersTestCase(PasswordLoginTestCase):
    def test_it_sends_a_strict_content_security_policy(self):
        for user in (None, self.office):
            client = self.client_for(user) if user else self.client
            response = client.get("/" if user else reverse("accounts:login"))
            csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
            self.assertEqual(csp["default-src"], "'self'")
            self.assertEqual(csp["script-src"], "'self'")
            self.assertEqual(csp["style-src"], "'self'")
            self.assertEqual(csp["object-src"], "'none'")
            self.assertEqual(csp["frame-ancestors"], "'none'")
            self.assertEqual(csp["form-action"], "'self'")
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")
            self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_its_pages_have_no_inline_script_style_or_handlers(self):
        pages = [(self.client, reverse("accounts:login"))] + [
            (self.client_for(u), url)
            for u, url in (
                (self.office, "/"),
                (self.office, "/orgs/"),
                (self.sysadmin, "/accounts/users/"),
                (self.secadmin, "/accounts/security/"),
                (self.auditadmin, "/audit/"),
                (self.county, "/files/"),
                (self.county, "/jobs/"),
            )
        ]
        for client, url in pages:
            with self.subTest(url=url):
                html = client.get(url).content.decode()
                self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)[^>]*>")
                self.assertNotIn(' style="', html)
                self.assertNotRegex(html, r"\son[a-z]+=\"")

    def test_it_keeps_session_and_csrf_cookies_away_from_scripts(self):
        response = login(self.client, "office")
        cookie = response.cookies["sessionid"]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")


def settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY')}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_")}
    clean.update({"DJANGO_SETTINGS_MODULE": "fazhi.settings", "FAZHI_DATA_DIR": tempfile.mkdtemp(), **env})
    return subprocess.run([sys.executable, "-c", script], env=clean, cwd=ROOT, capture_output=True, text=True)


class CookieSettingsTestCase(BaseTestCase):
    def test_it_marks_cookies_secure_when_served_over_https(self):
        result = settings_in_subprocess(FAZHI_HTTPS="1", FAZHI_SECRET_KEY="x" * 50)
        self.assertEqual(result.returncode, 0, result.stderr)
        values = json.loads(result.stdout)
        self.assertTrue(values["SESSION_COOKIE_SECURE"])
        self.assertTrue(values["CSRF_COOKIE_SECURE"])
        self.assertTrue(values["SESSION_COOKIE_HTTPONLY"])
        self.assertEqual(values["SECURE_HSTS_SECONDS"], 31536000)
        self.assertEqual(values["SECURE_PROXY_SSL_HEADER"], ["HTTP_X_FORWARDED_PROTO", "https"])

    def test_it_does_not_mark_them_secure_on_plain_http(self):
        values = json.loads(settings_in_subprocess().stdout)
        self.assertFalse(values["SESSION_COOKIE_SECURE"])
        self.assertFalse(values["CSRF_COOKIE_SECURE"])

    def test_it_refuses_to_start_over_https_without_a_secret_key(self):
        result = settings_in_subprocess(FAZHI_HTTPS="1")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("FAZHI_SECRET_KEY", result.stderr)
