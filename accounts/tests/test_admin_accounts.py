"""三员分立 with the admin accounts as objects: the 系统管理员 against the 安全管理员,
the 审计管理员 and itself — edit, reset password, deactivate, change role — through
the UI, the API and the services; each attempt is denied and changes nothing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services
from accounts.models import Role, User
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase

NEW_PASSWORD = "Jm#Admin2026pw"


def row(user: User) -> dict:
    """Everything an attack could change, password hash and TOTP included (not
    last_login, which logging the attacker in moves when it is its own account)."""
    values = User.objects.filter(pk=user.pk).values().get()
    values.pop("last_login")
    return values


class AdminAccountTestCase(BaseTestCase):
    def api(self, user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def form_data(self, user: User, **changes) -> dict:
        data = {
            "username": user.username,
            "name": user.name,
            "org": user.org_id,
            "role": user.role_id,
            "phone": user.phone,
            "email": user.email,
            "is_active": "on" if user.is_active else "",
        }
        data.update(changes)
        return {k: v for k, v in data.items() if v != ""}

    def api_payload(self, user: User, **changes) -> dict:
        data = {
            "username": user.username,
            "name": user.name,
            "org": user.org_id,
            "role": user.role_id,
            "phone": user.phone,
            "email": user.email,
            "is_active": user.is_active,
        }
        data.update(changes)
        return data


class SysadminAgainstAdminAccountsTestCase(AdminAccountTestCase):
    def targets(self) -> dict[str, User]:
        return {"secadmin": self.secadmin, "auditadmin": self.auditadmin, "itself": self.sysadmin}

    def attempts(self, target: User) -> list[tuple[str, str, str, dict]]:
        """(label, kind, url, data) for every way of changing `target`."""
        edit = reverse("accounts:user_edit", args=[target.pk])
        password = reverse("accounts:user_password", args=[target.pk])
        api = f"/api/v1/users/{target.pk}/"
        other_role = "auditadmin" if target.role_id != "auditadmin" else "secadmin"
        return [
            ("UI 编辑资料", "post", edit, self.form_data(target, name="被改名", phone="110")),
            ("UI 停用", "post", edit, self.form_data(target, is_active="")),
            ("UI 改角色", "post", edit, self.form_data(target, role="target")),
            ("UI 改为另一管理员角色", "post", edit, self.form_data(target, role=other_role)),
            (
                "UI 重设密码",
                "post",
                password,
                {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            ),
            ("API PATCH 资料", "patch", api, {"name": "被改名"}),
            ("API PATCH 停用", "patch", api, {"is_active": False}),
            ("API PATCH 改角色", "patch", api, {"role": other_role}),
            ("API PATCH 改为业务角色", "patch", api, {"role": "office"}),
            ("API PUT 整体修改", "put", api, self.api_payload(target, name="被改名", is_active=False)),
            ("API PATCH 密码", "patch", api, {"password": NEW_PASSWORD}),
        ]

    def test_it_denies_every_change_to_the_three_admin_accounts_and_changes_nothing(self):
        for name, target in self.targets().items():
            for label, kind, url, data in self.attempts(target):
                with self.subTest(target=name, attempt=label):
                    before = row(target)
                    if kind == "post":
                        response = self.client_for(self.sysadmin).post(url, data)
                    else:
                        response = getattr(self.api(self.sysadmin), kind)(url, data, format="json")
                    self.assertEqual(response.status_code, 403, response.content[:300])
                    self.assertEqual(row(target), before)
        self.assertFalse(AuditEntry.objects.filter(action="accounts.user.updated").exists())
        self.assertFalse(AuditEntry.objects.filter(action="accounts.password.changed").exists())

    def test_it_refuses_the_sysadmin_making_itself_audit_admin_and_keeps_the_audit_log_closed(self):
        response = self.api(self.sysadmin).patch(
            f"/api/v1/users/{self.sysadmin.pk}/", {"role": "auditadmin"}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn("自己的账号", response.json()["error"]["message"])
        self.sysadmin.refresh_from_db()
        self.assertEqual(self.sysadmin.role_id, "sysadmin")
        self.assertEqual(self.client_for(self.sysadmin).get(reverse("audit:list")).status_code, 403)

    def test_it_shows_the_sysadmin_no_edit_page_for_an_admin_account(self):
        for target in self.targets().values():
            with self.subTest(target=target.username):
                response = self.client_for(self.sysadmin).get(reverse("accounts:user_edit", args=[target.pk]))
                self.assertEqual(response.status_code, 403)
                response = self.client_for(self.sysadmin).get(
                    reverse("accounts:user_password", args=[target.pk])
                )
                self.assertEqual(response.status_code, 403)

    def test_it_refuses_to_give_an_ordinary_account_an_admin_role(self):
        for role in ("sysadmin", "secadmin", "auditadmin"):
            with self.subTest(role=role):
                before = row(self.county)
                ui = self.client_for(self.sysadmin).post(
                    reverse("accounts:user_edit", args=[self.county.pk]),
                    self.form_data(self.county, role=role),
                )
                self.assertEqual(ui.status_code, 200)
                self.assertContains(ui, "三员授权")
                api = self.api(self.sysadmin).patch(
                    f"/api/v1/users/{self.county.pk}/", {"role": role}, format="json"
                )
                self.assertEqual(api.status_code, 400)
                self.assertIn("三员授权", api.json()["error"]["fields"]["role"][0])
                put = self.api(self.sysadmin).put(
                    f"/api/v1/users/{self.county.pk}/",
                    self.api_payload(self.county, role=role),
                    format="json",
                )
                self.assertEqual(put.status_code, 400)
                self.assertEqual(row(self.county), before)

    def test_it_refuses_to_create_an_admin_account_directly(self):
        for role in ("sysadmin", "secadmin", "auditadmin"):
            with self.subTest(role=role):
                ui = self.client_for(self.sysadmin).post(
                    reverse("accounts:user_create"),
                    {"username": f"ui_{role}", "name": "新管理员", "org": self.sfj.pk, "role": role},
                )
                self.assertEqual(ui.status_code, 200)
                self.assertContains(ui, "三员授权")
                api = self.api(self.sysadmin).post(
                    "/api/v1/users/",
                    {"username": f"api_{role}", "name": "新管理员", "org": self.sfj.pk, "role": role},
                    format="json",
                )
                self.assertEqual(api.status_code, 400)
                self.assertIn("role", api.json()["error"]["fields"])
        self.assertFalse(User.objects.filter(username__in=["ui_sysadmin", "api_sysadmin"]).exists())
        self.assertEqual(User.objects.filter(role_id__in=["sysadmin", "secadmin", "auditadmin"]).count(), 3)

    def test_it_enforces_the_rule_in_the_services_whatever_the_caller(self):
        auditadmin_role = Role.objects.get(code="auditadmin")
        with self.assertRaises(PermissionDenied):
            services.user_update(actor=self.sysadmin, user=self.sysadmin, role=auditadmin_role)
        with self.assertRaises(PermissionDenied):
            services.user_update(actor=self.sysadmin, user=self.county, role=auditadmin_role)
        with self.assertRaises(PermissionDenied):
            services.user_update(actor=self.sysadmin, user=self.secadmin, is_active=False)
        with self.assertRaises(PermissionDenied):
            services.password_set(actor=self.sysadmin, user=self.auditadmin, password=NEW_PASSWORD)
        with self.assertRaises(PermissionDenied):
            services.user_create(
                actor=self.sysadmin, username="x1", name="x", org=self.sfj, role=auditadmin_role
            )
        self.assertEqual(User.objects.get(pk=self.county.pk).role_id, "target")
        self.assertFalse(User.objects.filter(username="x1").exists())

    def test_it_still_lets_the_sysadmin_manage_ordinary_accounts(self):
        response = self.client_for(self.sysadmin).post(
            reverse("accounts:user_edit", args=[self.county.pk]),
            self.form_data(self.county, role="leader", is_active=""),
        )
        self.assertRedirects(response, reverse("accounts:user_list"), fetch_redirect_response=False)
        self.county.refresh_from_db()
        self.assertEqual((self.county.role_id, self.county.is_active), ("leader", False))
        response = self.api(self.sysadmin).patch(
            f"/api/v1/users/{self.county.pk}/", {"phone": "0750-1"}, format="json"
        )
        self.assertEqual(response.status_code, 200)

    def test_it_lists_admin_accounts_without_an_edit_link_for_the_sysadmin(self):
        response = self.client_for(self.sysadmin).get(reverse("accounts:user_list"), {"per_page": 100})
        self.assertContains(response, reverse("accounts:user_edit", args=[self.county.pk]))
        for target in (self.secadmin, self.auditadmin, self.sysadmin):
            self.assertNotContains(response, f'href="{reverse("accounts:user_edit", args=[target.pk])}"')
        self.assertContains(response, f"{reverse('accounts:admin_role_propose')}?username=auditadmin")


class SecadminOnAdminAccountsTestCase(AdminAccountTestCase):
    """The 安全管理员 edits the profile and resets the password of the other admin
    accounts; never their role or 启用 state, never its own account."""

    def test_it_lets_the_secadmin_edit_another_admin_accounts_profile(self):
        url = reverse("accounts:user_edit", args=[self.auditadmin.pk])
        response = self.client_for(self.secadmin).post(
            url, {"name": "审计员甲", "org": self.office_org.pk, "phone": "0750-2", "email": "a@example.cn"}
        )
        self.assertRedirects(response, reverse("accounts:user_list"), fetch_redirect_response=False)
        self.auditadmin.refresh_from_db()
        self.assertEqual((self.auditadmin.name, self.auditadmin.org), ("审计员甲", self.office_org))
        self.assertEqual((self.auditadmin.role_id, self.auditadmin.is_active), ("auditadmin", True))
        entry = AuditEntry.objects.get(action="accounts.user.updated")
        self.assertEqual((entry.actor_id, entry.after["name"]), (self.secadmin.pk, "审计员甲"))

    def test_it_lets_the_secadmin_reset_another_admin_accounts_password(self):
        url = reverse("accounts:user_password", args=[self.sysadmin.pk])
        response = self.client_for(self.secadmin).post(
            url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.sysadmin.refresh_from_db()
        self.assertTrue(self.sysadmin.check_password(NEW_PASSWORD))

    def test_it_refuses_the_secadmin_role_or_activation_changes(self):
        for data in ({"role": "sysadmin"}, {"role": "target"}, {"is_active": False}, {"username": "renamed"}):
            with self.subTest(data=data):
                before = row(self.auditadmin)
                response = self.api(self.secadmin).patch(
                    f"/api/v1/users/{self.auditadmin.pk}/", data, format="json"
                )
                self.assertIn(response.status_code, (400, 403))
                self.assertEqual(row(self.auditadmin), before)
        response = self.api(self.secadmin).patch(
            f"/api/v1/users/{self.auditadmin.pk}/", {"is_active": False}, format="json"
        )
        self.assertEqual(response.status_code, 403)

    def test_it_refuses_the_secadmin_its_own_account_and_ordinary_accounts(self):
        for target, label in ((self.secadmin, "itself"), (self.county, "ordinary")):
            with self.subTest(target=label):
                before = row(target)
                edit = self.client_for(self.secadmin).post(
                    reverse("accounts:user_edit", args=[target.pk]), {"name": "改", "org": self.sfj.pk}
                )
                self.assertEqual(edit.status_code, 403)
                password = self.client_for(self.secadmin).post(
                    reverse("accounts:user_password", args=[target.pk]),
                    {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                )
                self.assertEqual(password.status_code, 403)
                api = self.api(self.secadmin).patch(
                    f"/api/v1/users/{target.pk}/", {"name": "改"}, format="json"
                )
                self.assertEqual(api.status_code, 403)
                self.assertEqual(row(target), before)

    def test_it_refuses_the_audit_admin_and_business_roles_any_account(self):
        for actor in (self.auditadmin, self.office, self.county):
            for target in (self.sysadmin, self.secadmin, self.county):
                with self.subTest(actor=actor.username, target=target.username):
                    before = row(target)
                    response = self.api(actor).patch(
                        f"/api/v1/users/{target.pk}/", {"name": "改"}, format="json"
                    )
                    self.assertIn(response.status_code, (403, 404))
                    self.assertEqual(row(target), before)
