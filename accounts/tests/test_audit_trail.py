"""Who did what is recorded: log-ins, log-outs, failed log-ins, user and org
changes made through the UI, and exports — and the chain still verifies."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_verify
from fazhi.testing import PASSWORD, BaseTestCase
from orgs.models import Org


class AuditTrailTestCase(BaseTestCase):
    def setUp(self) -> None:
        for user in self.personas.values():  # see test_views_accounts.PasswordLoginTestCase
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])

    def last(self, action: str) -> AuditEntry:
        return AuditEntry.objects.filter(action=action).order_by("-seq").first()

    def test_it_records_log_in_log_out_and_failed_log_in_with_the_address(self):
        client = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Chromium 测试")
        client.post(reverse("accounts:login"), {"username": "pengjiang", "password": "wrong"})
        client.post(reverse("accounts:login"), {"username": "pengjiang", "password": PASSWORD})
        client.post(reverse("accounts:logout"))
        failed, succeeded, logout = (
            self.last(a) for a in ("accounts.login.failed", "accounts.login.succeeded", "accounts.logout")
        )
        self.assertEqual(
            (failed.actor_id, failed.data["username"], failed.ip), (None, "pengjiang", "10.1.2.3")
        )
        self.assertEqual(
            (succeeded.actor_id, succeeded.ip, succeeded.user_agent),
            (self.county.pk, "10.1.2.3", "Chromium 测试"),
        )
        self.assertEqual(logout.actor_id, self.county.pk)
        self.assertLess(failed.seq, succeeded.seq)
        self.assertLess(succeeded.seq, logout.seq)

    def test_it_records_user_creation_and_changes_with_before_and_after(self):
        client = self.client_for(self.sysadmin)
        response = client.post(
            reverse("accounts:user_create"),
            {
                "username": "heshan",
                "name": "鹤山填报员",
                "org": self.county_org.pk,
                "role": "target",
                "phone": "",
                "email": "",
                "is_active": "on",
                "password": "",
            },
        )
        self.assertRedirects(response, reverse("accounts:user_list"), fetch_redirect_response=False)
        user = User.objects.get(username="heshan")
        created = self.last("accounts.user.created")
        self.assertEqual((created.actor_id, created.target_id), (self.sysadmin.pk, str(user.pk)))
        self.assertEqual(created.after["name"], "鹤山填报员")
        self.assertNotIn("password", created.after)
        client.post(
            reverse("accounts:user_edit", args=[user.pk]),
            {
                "username": "heshan",
                "name": "鹤山市填报员",
                "org": self.county_org.pk,
                "role": "target",
                "phone": "0750-8888888",
                "email": "",
                "is_active": "on",
            },
        )
        updated = self.last("accounts.user.updated")
        self.assertEqual(updated.before, {"name": "鹤山填报员", "phone": ""})
        self.assertEqual(updated.after, {"name": "鹤山市填报员", "phone": "0750-8888888"})

    def test_it_records_org_creation_and_changes(self):
        client = self.client_for(self.sysadmin)
        client.post(
            reverse("orgs:create"),
            {
                "code": "440785",
                "name": "恩平市",
                "short_name": "恩平",
                "type": "county",
                "parent": self.city.pk,
                "is_target": "on",
                "sort_order": 7,
                "active": "on",
            },
        )
        org = Org.objects.get(code="440785")
        created = self.last("orgs.org.created")
        self.assertEqual(
            (created.actor_id, created.target_id, created.after["name"]),
            (self.sysadmin.pk, str(org.pk), "恩平市"),
        )
        client.post(
            reverse("orgs:edit", args=[org.pk]),
            {
                "code": "440785",
                "name": "恩平市",
                "short_name": "恩平市",
                "type": "county",
                "parent": self.city.pk,
                "is_target": "on",
                "sort_order": 7,
                "active": "on",
            },
        )
        updated = self.last("orgs.org.updated")
        self.assertEqual((updated.before, updated.after), ({"short_name": "恩平"}, {"short_name": "恩平市"}))

    def test_it_records_exports(self):
        response = self.client_for(self.office).get(reverse("orgs:export"))
        self.assertEqual(
            response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        exported = self.last("orgs.org.exported")
        self.assertEqual((exported.actor_id, exported.data["rows"]), (self.office.pk, Org.objects.count()))
        self.client_for(self.sysadmin).get(reverse("jobs:user_import_template"))
        self.assertEqual(self.last("accounts.user_import_template.exported").actor_id, self.sysadmin.pk)

    def test_it_keeps_the_chain_intact_through_all_of_it(self):
        self.test_it_records_log_in_log_out_and_failed_log_in_with_the_address()
        self.test_it_records_org_creation_and_changes()
        self.assertIsNone(audit_verify())


class SeparationOfDutiesTestCase(BaseTestCase):
    """三员分立: the system admin neither reads the audit log nor sets security policy;
    the audit admin only reads the audit log; the security admin only sets policy."""

    def test_the_sysadmin_cannot_read_the_audit_log_or_change_the_policy(self):
        client = self.client_for(self.sysadmin)
        self.assertEqual(client.get(reverse("audit:list")).status_code, 403)
        self.assertEqual(client.get(reverse("audit:verify")).status_code, 403)
        self.assertEqual(client.post(reverse("accounts:security_policy"), {"min_length": 6}).status_code, 403)
        self.assertEqual(
            client.post(reverse("accounts:lockout_unlock"), {"unlock-username": "x"}).status_code, 403
        )
        nav = client.get("/").content.decode()
        self.assertNotIn(reverse("audit:list"), nav)
        self.assertNotIn(reverse("accounts:security_policy"), nav)

    def test_the_auditadmin_only_reads_the_audit_log(self):
        client = self.client_for(self.auditadmin)
        self.assertEqual(client.get(reverse("audit:list")).status_code, 200)
        for url in (
            reverse("orgs:list"),
            reverse("accounts:user_list"),
            reverse("accounts:security_policy"),
            reverse("attachments:mine"),
            "/api/v1/orgs/",
        ):
            with self.subTest(url=url):
                self.assertEqual(client.get(url).status_code, 403)
        self.assertEqual(client.get("/api/v1/users/").json()["count"], 0)

    def test_the_secadmin_only_sets_security_policy(self):
        client = self.client_for(self.secadmin)
        self.assertEqual(client.get(reverse("accounts:security_policy")).status_code, 200)
        for url in (
            reverse("audit:list"),
            reverse("orgs:list"),
            reverse("accounts:user_create"),
            reverse("attachments:mine"),
        ):
            with self.subTest(url=url):
                self.assertEqual(client.get(url).status_code, 403)
        response = client.post(
            reverse("accounts:security_policy"),
            {
                "min_length": 10,
                "min_classes": 3,
                "history_count": 5,
                "failure_limit": 5,
                "lockout_minutes": 15,
                "session_timeout_minutes": 30,
                "password_max_age_days": 90,
                "token_lifetime_days": 90,
                "address_failure_limit": 10,
                "address_window_minutes": 10,
            },
        )
        self.assertRedirects(response, reverse("accounts:security_policy"), fetch_redirect_response=False)
        entry = AuditEntry.objects.get(action="accounts.policy.updated")
        self.assertEqual((entry.before["min_length"], entry.after["min_length"]), (8, 10))

    def test_the_policy_form_refuses_values_out_of_range_in_chinese(self):
        response = self.client_for(self.secadmin).post(
            reverse("accounts:security_policy"),
            {
                "min_length": 4,
                "min_classes": 9,
                "history_count": 5,
                "failure_limit": 1,
                "lockout_minutes": 15,
                "session_timeout_minutes": 1,
            },
        )
        self.assertEqual(response.status_code, 200)
        for message in (
            "密码最小长度应在 8 到 64 之间",
            "字符类别数应在 1 到 4 之间",
            "锁定阈值应在 3 到 20 次之间",
            "会话超时应在 5 到 480 分钟之间",
        ):
            self.assertContains(response, message)
