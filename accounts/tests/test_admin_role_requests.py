"""三员授权: the 系统管理员 proposes, a 安全管理员 who is neither the proposer nor
the account concerned approves or rejects; UI and API journeys, refusals, audit."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services
from accounts.models import AdminRoleRequest, ApiToken, Role, User
from audit.models import AuditEntry
from audit.services import audit_verify
from fazhi.testing import PASSWORD, BaseTestCase, make_user

PROPOSALS = "/api/v1/admin-role-requests/"


class AdminRoleRequestTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # BaseTestCase hashes passwords before the suite's fast hasher applies.
        for user in (self.county, self.auditadmin):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])

    def api(self, user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def propose(
        self, *, username: str, role: str = "auditadmin", action: str = "grant", **extra
    ) -> AdminRoleRequest:
        return services.admin_role_request_propose(
            actor=self.sysadmin,
            action=action,
            role=Role.objects.get(code=role),
            user=User.objects.filter(username=username).first(),
            reason="人员调整",
            new_username=username,
            **extra,
        )

    def actions_on(self, role_request: AdminRoleRequest) -> list[str]:
        return list(
            AuditEntry.objects.filter(target_type="accounts.adminrolerequest", target_id=str(role_request.pk))
            .order_by("seq")
            .values_list("action", flat=True)
        )


class UiJourneyTestCase(AdminRoleRequestTestCase):
    def test_it_gives_an_existing_account_the_audit_admin_role_after_the_secadmins_approval(self):
        sysadmin, secadmin = self.client_for(self.sysadmin), self.client_for(self.secadmin)
        response = sysadmin.post(
            reverse("accounts:admin_role_propose"),
            {"action": "grant", "role": "auditadmin", "username": "pengjiang", "reason": "审计岗位轮换"},
        )
        role_request = AdminRoleRequest.objects.get()
        self.assertRedirects(
            response,
            reverse("accounts:admin_role_detail", args=[role_request.pk]),
            fetch_redirect_response=False,
        )
        self.county.refresh_from_db()
        self.assertEqual(self.county.role_id, "target")  # nothing changes before the approval
        self.assertContains(sysadmin.get(reverse("accounts:admin_role_list")), "待审批")
        self.assertNotContains(
            sysadmin.get(reverse("accounts:admin_role_detail", args=[role_request.pk])), 'value="approve"'
        )

        page = secadmin.get(reverse("accounts:admin_role_detail", args=[role_request.pk]))
        self.assertContains(page, 'value="approve"')
        self.assertContains(page, "审计岗位轮换")
        response = secadmin.post(
            reverse("accounts:admin_role_decide", args=[role_request.pk]),
            {"decision": "approve", "note": "同意"},
        )
        self.assertRedirects(
            response,
            reverse("accounts:admin_role_detail", args=[role_request.pk]),
            fetch_redirect_response=False,
        )
        role_request.refresh_from_db()
        self.assertEqual(
            (role_request.status, role_request.decided_by, role_request.decision_note),
            ("approved", self.secadmin, "同意"),
        )
        self.county.refresh_from_db()
        self.assertEqual((self.county.role_id, self.county.is_active), ("auditadmin", True))
        # The old password was known to whoever ran the account: the secadmin sets a new one.
        self.assertFalse(self.county.has_usable_password())
        self.assertEqual(self.client_for(self.county).get(reverse("audit:list")).status_code, 200)
        self.assertEqual(
            self.actions_on(role_request), ["accounts.admin_role.proposed", "accounts.admin_role.approved"]
        )
        change = AuditEntry.objects.get(action="accounts.user.updated", target_id=str(self.county.pk))
        self.assertEqual((change.before["role_id"], change.after["role_id"]), ("target", "auditadmin"))
        self.assertEqual(change.actor_id, self.secadmin.pk)
        self.assertIsNone(audit_verify())

    def test_it_creates_a_new_admin_account_only_on_approval_and_the_secadmin_sets_its_password(self):
        response = self.client_for(self.sysadmin).post(
            reverse("accounts:admin_role_propose"),
            {
                "action": "grant",
                "role": "secadmin",
                "username": "secadmin2",
                "name": "安全管理员乙",
                "org": self.sfj.pk,
                "reason": "设置第二名安全管理员",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(User.objects.filter(username="secadmin2").exists())
        role_request = AdminRoleRequest.objects.get()
        self.client_for(self.secadmin).post(
            reverse("accounts:admin_role_decide", args=[role_request.pk]), {"decision": "approve"}
        )
        created = User.objects.get(username="secadmin2")
        self.assertEqual((created.role_id, created.org, created.name), ("secadmin", self.sfj, "安全管理员乙"))
        self.assertFalse(created.has_usable_password())
        response = self.client_for(self.secadmin).post(
            reverse("accounts:user_password", args=[created.pk]),
            {"new_password1": "Jm#Second2026pw", "new_password2": "Jm#Second2026pw"},
        )
        self.assertEqual(response.status_code, 302)
        created.refresh_from_db()
        self.assertTrue(created.check_password("Jm#Second2026pw"))

    def test_it_rejects_with_a_note_and_changes_nothing(self):
        role_request = self.propose(username="pengjiang", role="sysadmin")
        url = reverse("accounts:admin_role_decide", args=[role_request.pk])
        response = self.client_for(self.secadmin).post(url, {"decision": "reject", "note": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "驳回时请填写审批意见。")
        role_request.refresh_from_db()
        self.assertEqual(role_request.status, "pending")
        self.client_for(self.secadmin).post(url, {"decision": "reject", "note": "理由不充分"})
        role_request.refresh_from_db()
        self.assertEqual((role_request.status, role_request.decision_note), ("rejected", "理由不充分"))
        self.county.refresh_from_db()
        self.assertEqual(self.county.role_id, "target")
        self.assertEqual(
            self.actions_on(role_request), ["accounts.admin_role.proposed", "accounts.admin_role.rejected"]
        )

    def test_it_explains_bad_proposals_in_chinese_and_saves_nothing(self):
        client = self.client_for(self.sysadmin)
        url = reverse("accounts:admin_role_propose")
        cases = [
            (
                {"action": "grant", "role": "auditadmin", "username": "sysadmin", "reason": "x"},
                "不能为自己的账号",
            ),
            (
                {"action": "grant", "role": "auditadmin", "username": "auditadmin", "reason": "x"},
                "已是审计管理员",
            ),
            (
                {"action": "revoke", "role": "secadmin", "username": "pengjiang", "reason": "x"},
                "当前不是安全管理员",
            ),
            (
                {"action": "revoke", "role": "secadmin", "username": "nobody", "reason": "x"},
                "只能针对已有账号",
            ),
            (
                {"action": "grant", "role": "auditadmin", "username": "newbie", "reason": "x"},
                "新建账号时请填写姓名",
            ),
            (
                {"action": "grant", "role": "target", "username": "pengjiang", "reason": "x"},
                "选择一个有效的选项",
            ),
            (
                {"action": "grant", "role": "auditadmin", "username": "pengjiang", "reason": ""},
                "该字段是必填项",
            ),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = client.post(url, data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.propose(username="pengjiang")
        response = client.post(
            url, {"action": "grant", "role": "secadmin", "username": "PengJiang", "reason": "x"}
        )
        self.assertContains(response, "已有待审批的三员授权申请")
        self.assertEqual(AdminRoleRequest.objects.count(), 1)

    def test_it_lets_the_proposer_withdraw_a_pending_request(self):
        role_request = self.propose(username="pengjiang")
        url = reverse("accounts:admin_role_withdraw", args=[role_request.pk])
        self.assertEqual(self.client_for(self.secadmin).post(url).status_code, 403)
        self.client_for(self.sysadmin).post(url)
        role_request.refresh_from_db()
        self.assertEqual(role_request.status, "withdrawn")
        response = self.client_for(self.secadmin).post(
            reverse("accounts:admin_role_decide", args=[role_request.pk]), {"decision": "approve"}
        )
        self.assertContains(response, "已撤回，不能再处理")
        self.county.refresh_from_db()
        self.assertEqual(self.county.role_id, "target")


class TwoPeopleTestCase(AdminRoleRequestTestCase):
    def test_it_never_lets_the_proposer_approve_its_own_request(self):
        role_request = self.propose(username="pengjiang")
        url = reverse("accounts:admin_role_decide", args=[role_request.pk])
        self.assertEqual(self.client_for(self.sysadmin).post(url, {"decision": "approve"}).status_code, 403)
        response = self.api(self.sysadmin).post(f"{PROPOSALS}{role_request.pk}/approve/", {}, format="json")
        self.assertEqual(response.status_code, 403)
        # Even if the proposer later became a security admin.
        User.objects.filter(pk=self.sysadmin.pk).update(role_id="secadmin")
        promoted = User.objects.get(pk=self.sysadmin.pk)
        response = self.api(promoted).post(f"{PROPOSALS}{role_request.pk}/approve/", {}, format="json")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["error"]["message"], "不能审批自己提出的申请。")
        role_request.refresh_from_db()
        self.assertEqual(role_request.status, "pending")
        self.assertEqual(User.objects.get(pk=self.county.pk).role_id, "target")

    def test_it_never_lets_the_secadmin_decide_a_request_about_itself(self):
        role_request = self.propose(username="secadmin", role="secadmin", action="revoke")
        for decision in ("approve", "reject"):
            with self.subTest(decision=decision):
                response = self.client_for(self.secadmin).post(
                    reverse("accounts:admin_role_decide", args=[role_request.pk]),
                    {"decision": decision, "note": "自己批自己"},
                )
                self.assertEqual(response.status_code, 403)
                response = self.api(self.secadmin).post(
                    f"{PROPOSALS}{role_request.pk}/{decision}/", {"note": "自己批自己"}, format="json"
                )
                self.assertEqual(response.status_code, 403)
        page = self.client_for(self.secadmin).get(
            reverse("accounts:admin_role_detail", args=[role_request.pk])
        )
        self.assertNotContains(page, 'value="approve"')
        self.assertContains(page, "不能审批与自己账号有关的申请")
        self.assertEqual(User.objects.get(pk=self.secadmin.pk).role_id, "secadmin")
        # A second security admin may.
        other = make_user("secadmin2", self.sfj, "secadmin")
        response = self.api(other).post(
            f"{PROPOSALS}{role_request.pk}/approve/", {"note": "同意"}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.secadmin.refresh_from_db()
        self.assertEqual((self.secadmin.role_id, self.secadmin.is_active), (None, False))

    def test_it_refuses_the_sysadmin_a_proposal_about_itself(self):
        response = self.api(self.sysadmin).post(
            PROPOSALS,
            {"action": "grant", "role": "auditadmin", "username": "sysadmin", "reason": "我也想看审计日志"},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("不能为自己的账号", response.json()["error"]["fields"]["username"][0])
        self.assertFalse(AdminRoleRequest.objects.exists())

    def test_it_applies_a_request_once_however_often_it_is_approved(self):
        role_request = self.propose(username="pengjiang")
        api = self.api(self.secadmin)
        self.assertEqual(
            api.post(f"{PROPOSALS}{role_request.pk}/approve/", {}, format="json").status_code, 200
        )
        again = api.post(f"{PROPOSALS}{role_request.pk}/reject/", {"note": "反悔"}, format="json")
        self.assertEqual(again.status_code, 400)
        self.assertIn("已批准", again.json()["error"]["fields"]["non_field_errors"][0])
        self.assertEqual(AuditEntry.objects.filter(action="accounts.admin_role.approved").count(), 1)

    def test_it_takes_the_role_away_and_shuts_the_account_out(self):
        token, key = services.token_rotate(actor=self.auditadmin)
        role_request = self.propose(username="auditadmin", action="revoke")
        self.assertEqual(self.client_for(self.auditadmin).get(reverse("audit:list")).status_code, 200)
        services.admin_role_request_approve(actor=self.secadmin, role_request=role_request, note="离岗")
        self.auditadmin.refresh_from_db()
        self.assertEqual((self.auditadmin.role_id, self.auditadmin.is_active), (None, False))
        self.assertFalse(ApiToken.objects.filter(pk=token.pk).exists())
        self.assertEqual(
            APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/users/me/").status_code, 401
        )
        response = self.client.post(
            reverse("accounts:login"), {"username": "auditadmin", "password": PASSWORD}
        )
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(response.status_code, 200)
        # Now an ordinary (inactive) account, the sysadmin manages it like any other.
        self.assertEqual(
            self.client_for(self.sysadmin)
            .get(reverse("accounts:user_edit", args=[self.auditadmin.pk]))
            .status_code,
            200,
        )

    def test_it_voids_the_password_the_sysadmin_set_before_the_grant(self):
        self.client_for(self.sysadmin).post(
            reverse("accounts:user_password", args=[self.county.pk]),
            {"new_password1": "Jm#Known2026pw", "new_password2": "Jm#Known2026pw"},
        )
        role_request = self.propose(username="pengjiang", role="secadmin")
        services.admin_role_request_approve(actor=self.secadmin, role_request=role_request)
        self.county.refresh_from_db()
        self.assertEqual(self.county.role_id, "secadmin")
        self.assertFalse(self.county.check_password("Jm#Known2026pw"))


class ApiJourneyTestCase(AdminRoleRequestTestCase):
    def test_it_proposes_and_approves_through_the_api(self):
        response = self.api(self.sysadmin).post(
            PROPOSALS,
            {
                "action": "grant",
                "role": "sysadmin",
                "username": "sysadmin2",
                "name": "系统管理员乙",
                "org": self.sfj.pk,
                "reason": "A/B 角",
            },
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["username"], body["user"]), ("pending", "sysadmin2", None))
        pk = body["id"]
        listed = self.api(self.secadmin).get(PROPOSALS).json()
        self.assertEqual([r["id"] for r in listed["results"]], [pk])
        response = self.api(self.secadmin).post(f"{PROPOSALS}{pk}/approve/", {"note": "同意"}, format="json")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["decided_by_username"]), ("approved", "secadmin"))
        created = User.objects.get(username="sysadmin2")
        self.assertEqual((body["user"], created.role_id), (created.pk, "sysadmin"))
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue(
            {"accounts.admin_role.proposed", "accounts.admin_role.approved", "accounts.user.created"}
            <= actions
        )

    def test_it_rejects_through_the_api_and_requires_a_note(self):
        role_request = self.propose(username="pengjiang")
        api = self.api(self.secadmin)
        response = api.post(f"{PROPOSALS}{role_request.pk}/reject/", {}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["fields"]["note"], ["驳回时请填写审批意见。"])
        response = api.post(f"{PROPOSALS}{role_request.pk}/reject/", {"note": "不同意"}, format="json")
        self.assertEqual(response.json()["status"], "rejected")
        self.assertEqual(User.objects.get(pk=self.county.pk).role_id, "target")

    def test_it_answers_bad_payloads_with_field_errors(self):
        api = self.api(self.sysadmin)
        response = api.post(PROPOSALS, {"action": "promote", "role": "target", "username": ""}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["error"]["fields"]), {"action", "role", "username", "reason"})
        self.assertEqual(api.post(PROPOSALS, ["x"], format="json").status_code, 400)
        self.assertEqual(api.get(f"{PROPOSALS}abc/").status_code, 404)
        self.assertEqual(api.get(f"{PROPOSALS}999/").status_code, 404)
        self.assertFalse(AdminRoleRequest.objects.exists())

    def test_it_keeps_the_requests_from_everyone_but_the_sysadmin_and_secadmin(self):
        role_request = self.propose(username="pengjiang")
        for name in ("office", "county", "stranger", "assessor", "expert", "auditadmin"):
            user = getattr(self, name)
            with self.subTest(persona=name):
                api = self.api(user)
                self.assertEqual(api.get(PROPOSALS).status_code, 403)
                self.assertEqual(api.get(f"{PROPOSALS}{role_request.pk}/").status_code, 404)
                self.assertEqual(
                    api.post(f"{PROPOSALS}{role_request.pk}/approve/", {}, format="json").status_code, 404
                )
                response = api.post(
                    PROPOSALS,
                    {"action": "grant", "role": "auditadmin", "username": name, "reason": "x"},
                    format="json",
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.api(self.secadmin).post(PROPOSALS, {}, format="json").status_code, 403)
        role_request.refresh_from_db()
        self.assertEqual(role_request.status, "pending")
        self.assertEqual(AdminRoleRequest.objects.count(), 1)

    def test_it_lists_requests_in_a_constant_number_of_queries(self):
        api = self.api(self.secadmin)
        self.propose(username="pengjiang")
        api.get(PROPOSALS)
        with self.assertNumQueries(3):
            api.get(PROPOSALS)
        self.propose(username="jianghai")
        self.propose(username="newadmin", new_name="新人", new_org=self.sfj)
        with self.assertNumQueries(3):
            api.get(PROPOSALS)
        client = self.client_for(self.secadmin)
        client.get(reverse("accounts:admin_role_list"))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as first:
            client.get(reverse("accounts:admin_role_list"))
        self.propose(username="assessor_sfj", role="secadmin")
        with self.assertNumQueries(len(first)):
            client.get(reverse("accounts:admin_role_list"))
