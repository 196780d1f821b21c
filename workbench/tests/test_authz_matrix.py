"""Authorization matrix of the foundation: for each persona, which views it may
reach (and which objects a list shows it) and which it may not."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accountability import services as accountability_services
from accounts.models import Role
from accounts.services import admin_role_request_propose
from attachments.services import attachment_create
from attachments.tests import samples
from audit.services import audit_record
from experts import services as expert_services
from experts.tests.factories import expert as make_expert
from fazhi.testing import BaseTestCase, make_user
from jobs.models import Job
from jobs.services import job_start, job_task

PERSONAS = (
    "office",
    "county",
    "stranger",
    "assessor",
    "assessor_b",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "expert",
)
BUSINESS = {"office", "county", "stranger", "assessor", "assessor_b", "expert"}
ADMINS = {"sysadmin", "secadmin", "auditadmin"}


@task()
@job_task
def _noop(job: Job) -> None:
    pass


def expect(ok: set[str], *, status: int = 200, denied: int = 403, **others: int) -> dict[str, int]:
    """Status per persona: `status` for those in `ok`, `denied` for the rest, overrides by name."""
    table = {name: (status if name in ok else denied) for name in PERSONAS}
    table.update(others)
    return table


class AuthorizationMatrixTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.file = attachment_create(
            actor=self.county, uploaded_file=SimpleUploadedFile("a.pdf", samples.PDF), org=self.county_org
        )
        self.job = job_start(actor=self.office, kind="test.noop", title="任务", task=_noop)
        self.entry = audit_record(actor=self.office, action="test.entry.created")
        self.role_request = admin_role_request_propose(
            actor=self.sysadmin,
            action="grant",
            role=Role.objects.get(code="auditadmin"),
            user=self.county,
            reason="矩阵测试",
        )
        # 咨询专家库: the persona expert's own profile, another expert, a draw it is a candidate of
        self.own_profile = make_expert(self.office, "本人", user=self.expert)
        self.other_expert = make_expert(self.office, "他人")
        self.draw = expert_services.draw_prepare(actor=self.office, purpose="矩阵测试抽取", size=1)
        # 述评督考责: a county leader's submitted report rated by `assessor`, a 督察 plan whose
        # team is `assessor_b`, an action proposed from the rating
        self.leader = make_user("leader_matrix", self.county_org, "leader")
        self.shufa_round = accountability_services.shufa_round_create(
            actor=self.office, year=2026, title="述法", deadline=timezone.localdate(), template="模板"
        )
        accountability_services.shufa_round_reviewers_set(
            actor=self.office, shufa_round=self.shufa_round, reviewers=[self.assessor]
        )
        report = accountability_services.shufa_report_save(
            actor=self.leader, shufa_round=self.shufa_round, body="述法报告"
        )
        self.report = accountability_services.shufa_report_submit(actor=self.leader, report=report)
        accountability_services.rating_save(actor=self.assessor, report=self.report, grade="不满意", score=40)
        self.plan = accountability_services.inspection_plan_create(
            actor=self.office,
            year=2026,
            topic="督察",
            start_on=timezone.localdate(),
            end_on=timezone.localdate(),
            targets=[self.county_org],
            team=[self.assessor_b],
        )
        self.action = accountability_services.actions_propose(actor=self.office, year=2026)[0]

    def matrix(self) -> list[tuple[str, Callable[[], str], dict[str, int]]]:
        c = self
        return [
            ("工作台", lambda: reverse("workbench:home"), expect(set(PERSONAS))),
            ("个人设置", lambda: reverse("accounts:profile"), expect(set(PERSONAS))),
            ("修改密码", lambda: reverse("accounts:password_change"), expect(set(PERSONAS))),
            (
                "双因素认证设置",
                lambda: reverse("accounts:totp_setup"),
                expect(set(PERSONAS)),
            ),  # every user may turn TOTP on for itself
            ("用户列表", lambda: reverse("accounts:user_list"), expect({"sysadmin", "secadmin"})),
            ("新建用户", lambda: reverse("accounts:user_create"), expect({"sysadmin"})),
            (
                "编辑用户",
                lambda: reverse("accounts:user_edit", args=[c.county.pk]),
                expect({"sysadmin"}, denied=404, secadmin=403, office=403),
            ),
            (
                "编辑三员账号",
                lambda: reverse("accounts:user_edit", args=[c.auditadmin.pk]),
                expect({"secadmin"}, denied=404, sysadmin=403, office=403),
            ),
            (
                "设置三员账号密码",
                lambda: reverse("accounts:user_password", args=[c.auditadmin.pk]),
                expect({"secadmin"}, denied=404, sysadmin=403, office=403),
            ),
            ("三员授权", lambda: reverse("accounts:admin_role_list"), expect({"sysadmin", "secadmin"})),
            ("提出三员授权申请", lambda: reverse("accounts:admin_role_propose"), expect({"sysadmin"})),
            (
                "三员授权申请详情",
                lambda: reverse("accounts:admin_role_detail", args=[c.role_request.pk]),
                expect({"sysadmin", "secadmin"}, denied=404),
            ),
            ("安全策略", lambda: reverse("accounts:security_policy"), expect({"secadmin"})),
            ("组织机构列表", lambda: reverse("orgs:list"), expect(BUSINESS | {"sysadmin"})),
            ("组织机构导出", lambda: reverse("orgs:export"), expect(BUSINESS | {"sysadmin"})),
            (
                "单位详情",
                lambda: reverse("orgs:detail", args=[c.county_org.pk]),
                expect({"office", "county", "sysadmin"}, denied=404),
            ),
            ("新建单位", lambda: reverse("orgs:create"), expect({"sysadmin"})),
            (
                "编辑单位",
                lambda: reverse("orgs:edit", args=[c.county_org.pk]),
                expect({"sysadmin"}, denied=404, office=403, county=403),
            ),
            ("审计日志", lambda: reverse("audit:list"), expect({"auditadmin"})),
            ("审计记录", lambda: reverse("audit:detail", args=[c.entry.seq]), expect({"auditadmin"})),
            ("完整性校验", lambda: reverse("audit:verify"), expect({"auditadmin"})),
            ("我的附件", lambda: reverse("attachments:mine"), expect(BUSINESS)),
            (
                "附件下载",
                lambda: reverse("attachments:download", args=[c.file.pk]),
                expect({"county", "office"}, denied=404),
            ),
            (
                "附件预览",
                lambda: reverse("attachments:preview", args=[c.file.pk]),
                expect({"county", "office"}, denied=404),
            ),
            ("我的任务", lambda: reverse("jobs:list"), expect(set(PERSONAS))),
            ("任务详情", lambda: reverse("jobs:detail", args=[c.job.pk]), expect({"office"}, denied=404)),
            ("批量导入用户", lambda: reverse("jobs:user_import"), expect({"sysadmin"})),
            ("导入模板", lambda: reverse("jobs:user_import_template"), expect({"sysadmin"})),
            ("API 组织机构", lambda: "/api/v1/orgs/", expect(BUSINESS | {"sysadmin"})),
            (
                "API 单位详情",
                lambda: f"/api/v1/orgs/{c.county_org.pk}/",
                expect({"office", "county", "sysadmin"}, denied=404),
            ),
            ("API 用户列表", lambda: "/api/v1/users/", expect(set(PERSONAS))),
            (
                "API 用户详情",
                lambda: f"/api/v1/users/{c.county.pk}/",
                expect({"office", "sysadmin", "secadmin"}, denied=404),
            ),
            ("API 当前用户", lambda: "/api/v1/users/me/", expect(set(PERSONAS))),
            ("API 三员授权", lambda: "/api/v1/admin-role-requests/", expect({"sysadmin", "secadmin"})),
            (
                "API 三员授权申请详情",
                lambda: f"/api/v1/admin-role-requests/{c.role_request.pk}/",
                expect({"sysadmin", "secadmin"}, denied=404),
            ),
            ("API 令牌", lambda: "/api/v1/auth/token/", expect(set(PERSONAS))),
            ("经办与审核", lambda: reverse("assessments:duty_list"), expect({"office", "sysadmin"})),
            ("API 经办与审核", lambda: "/api/v1/assessments/scoring-duties/", expect({"office", "sysadmin"})),
            ("专家库", lambda: reverse("experts:home"), expect(BUSINESS, status=302, denied=404)),
            ("专家名单", lambda: reverse("experts:expert_list"), expect(BUSINESS, denied=404)),
            ("专家名单导出", lambda: reverse("experts:expert_export"), expect(BUSINESS, denied=404)),
            ("新增专家", lambda: reverse("experts:expert_create"), expect({"office"}, denied=404)),
            (
                "专家档案",
                lambda: reverse("experts:expert_detail", args=[c.other_expert.pk]),
                expect(BUSINESS, denied=404),
            ),
            (
                "编辑专家档案",
                lambda: reverse("experts:expert_edit", args=[c.other_expert.pk]),
                expect({"office"}, denied=403, sysadmin=404, secadmin=404, auditadmin=404),
            ),
            ("我的专家档案", lambda: reverse("experts:my_profile"), expect({"expert"}, denied=404)),
            ("我的任务（专家）", lambda: reverse("experts:my_tasks"), expect({"expert"}, denied=404)),
            ("专家抽取", lambda: reverse("experts:draw_list"), expect({"office"}, denied=404)),
            ("抽取专家", lambda: reverse("experts:draw_create"), expect({"office"}, denied=404)),
            (
                "抽取公示",
                lambda: reverse("experts:draw_detail", args=[c.draw.pk]),
                expect({"office", "expert"}, denied=404),
            ),
            (
                "抽取公示数据",
                lambda: reverse("experts:draw_record", args=[c.draw.pk]),
                expect({"office", "expert"}, denied=404),
            ),
            ("API 专家库", lambda: "/api/v1/experts/profiles/", expect(BUSINESS)),
            (
                "API 专家档案",
                lambda: f"/api/v1/experts/profiles/{c.other_expert.pk}/",
                expect(BUSINESS, denied=404),
            ),
            ("API 我的专家档案", lambda: "/api/v1/experts/profiles/me/", expect({"expert"}, denied=404)),
            ("API 专业领域", lambda: "/api/v1/experts/fields/", expect(BUSINESS)),
            ("API 专家抽取", lambda: "/api/v1/experts/draws/", expect({"office"})),
            (
                "API 抽取详情",
                lambda: f"/api/v1/experts/draws/{c.draw.pk}/",
                expect({"office", "expert"}, denied=404),
            ),
            ("API 专家任务", lambda: "/api/v1/experts/assignments/", expect({"office", "expert"})),
            *self.accountability_rows(),
        ]

    def accountability_rows(self) -> list[tuple[str, Callable[[], str], dict[str, int]]]:
        c = self
        office = {"office"}
        own_org = {"office", "county"}  # the county's leader's report, dossiers

        def api(ok: set[str]) -> dict[str, int]:  # the three admins are refused (403) before any lookup
            return expect(ok, denied=404, **dict.fromkeys(ADMINS, 403))

        return [
            (
                "述评督考责",
                lambda: reverse("accountability:home"),
                expect({"office", "county", "stranger", "assessor", "assessor_b"}, status=302, denied=404),
            ),
            ("述法工作", lambda: reverse("accountability:round_list"), expect(office, denied=404)),
            ("开展述法工作", lambda: reverse("accountability:round_create"), expect(office, denied=404)),
            (
                "述法工作详情",
                lambda: reverse("accountability:round_detail", args=[c.shufa_round.pk]),
                expect(office, denied=404),
            ),
            (
                "填写述法报告",
                lambda: reverse("accountability:report_write", args=[c.shufa_round.pk]),
                expect(set(), denied=404),
            ),
            ("我的述法报告", lambda: reverse("accountability:my_reports"), expect(set(), denied=404)),
            ("述法评议", lambda: reverse("accountability:my_reviews"), expect({"assessor"}, denied=404)),
            (
                "述法报告",
                lambda: reverse("accountability:report_detail", args=[c.report.pk]),
                expect({"office", "county", "assessor"}, denied=404),
            ),
            (
                "督察",
                lambda: reverse("accountability:plan_list"),
                expect({"office", "assessor_b"}, denied=404),
            ),
            ("制定督察计划", lambda: reverse("accountability:plan_create"), expect(office, denied=404)),
            (
                "督察计划",
                lambda: reverse("accountability:plan_detail", args=[c.plan.pk]),
                expect({"office", "assessor_b"}, denied=404),
            ),
            ("问责建议", lambda: reverse("accountability:action_list"), expect(office, denied=404)),
            ("我的档案（领导干部）", lambda: reverse("accountability:my_dossier"), expect(set(), denied=404)),
            (
                "领导干部档案",
                lambda: reverse("accountability:leader_dossier", args=[c.leader.pk, 2026]),
                expect(own_org, denied=404),
            ),
            (
                "单位档案",
                lambda: reverse("accountability:org_dossier", args=[c.county_org.pk, 2026]),
                expect(own_org, denied=404),
            ),
            ("API 述法工作", lambda: "/api/v1/accountability/rounds/", api(office)),
            (
                "API 述法报告",
                lambda: f"/api/v1/accountability/reports/{c.report.pk}/",
                api({"office", "county", "assessor"}),
            ),
            ("API 述法报告列表", lambda: "/api/v1/accountability/reports/", expect(BUSINESS)),
            ("API 督察计划", lambda: "/api/v1/accountability/plans/", expect(BUSINESS)),
            (
                "API 督察计划详情",
                lambda: f"/api/v1/accountability/plans/{c.plan.pk}/",
                api({"office", "assessor_b"}),
            ),
            ("API 督察发现问题", lambda: "/api/v1/accountability/findings/", expect(BUSINESS)),
            ("API 问责建议", lambda: "/api/v1/accountability/actions/", api(office)),
            (
                "API 问责建议详情",
                lambda: f"/api/v1/accountability/actions/{c.action.pk}/",
                api(office),
            ),
            (
                "API 领导干部档案",
                lambda: f"/api/v1/accountability/dossiers/leaders/{c.leader.pk}/2026/",
                api(own_org),
            ),
            (
                "API 单位档案",
                lambda: f"/api/v1/accountability/dossiers/orgs/{c.county_org.pk}/2026/",
                api(own_org),
            ),
        ]

    def test_it_lets_each_persona_reach_only_what_its_role_allows(self):
        for label, url, table in self.matrix():
            for name in PERSONAS:
                with self.subTest(view=label, persona=name):
                    response = self.client_for(getattr(self, name)).get(url())
                    self.assertEqual(response.status_code, table[name])

    def test_it_sends_anonymous_visitors_to_the_login_page_or_answers_401(self):
        for label, url, _ in self.matrix():
            with self.subTest(view=label):
                response = self.client.get(url())
                if url().startswith("/api/"):
                    self.assertEqual(response.status_code, 401)
                else:
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_it_refuses_writes_to_those_who_may_only_read(self):
        posts = [
            (reverse("accounts:user_create"), {"username": "x"}, {"sysadmin"}),
            (reverse("accounts:security_policy"), {"min_length": 8}, {"secadmin"}),
            (reverse("accounts:lockout_unlock"), {"unlock-username": "pengjiang"}, {"secadmin"}),
            (reverse("orgs:create"), {"code": "X1"}, {"sysadmin"}),
            (reverse("accounts:admin_role_propose"), {"username": "x"}, {"sysadmin"}),
            (
                reverse("assessments:duty_list"),
                {"user": self.assessor.pk, "duty": "enter"},
                {"office", "sysadmin"},
            ),
        ]
        for url, data, allowed in posts:
            for name in PERSONAS:
                with self.subTest(url=url, persona=name):
                    response = self.client_for(getattr(self, name)).post(url, data)
                    if name in allowed:
                        self.assertIn(response.status_code, (200, 302))
                    else:
                        self.assertEqual(response.status_code, 403)

    def test_it_lets_only_a_secadmin_who_did_not_propose_decide_a_three_admin_request(self):
        url = reverse("accounts:admin_role_decide", args=[self.role_request.pk])
        withdraw = reverse("accounts:admin_role_withdraw", args=[self.role_request.pk])
        for name in PERSONAS:
            with self.subTest(persona=name):
                client = self.client_for(getattr(self, name))
                seen = name in ("sysadmin", "secadmin")
                if name != "sysadmin":
                    self.assertEqual(client.post(withdraw).status_code, 403 if seen else 404)
                response = client.post(url, {"decision": "reject", "note": "不同意"})
                self.assertEqual(response.status_code, {"sysadmin": 403, "secadmin": 302}.get(name, 404))
        self.role_request.refresh_from_db()
        self.assertEqual(
            (self.role_request.status, self.role_request.decided_by), ("rejected", self.secadmin)
        )

    def test_it_shows_the_three_admin_request_page_in_the_navbar_to_the_sysadmin_and_secadmin_only(self):
        link = f'href="{reverse("accounts:admin_role_list")}"'
        for name in PERSONAS:
            with self.subTest(persona=name):
                home = self.client_for(getattr(self, name)).get(reverse("workbench:home")).content.decode()
                self.assertEqual(link in home, name in ("sysadmin", "secadmin"))

    def test_it_lets_only_the_office_run_the_accountability_work(self):
        posts = [
            (reverse("accountability:round_create"), {"year": "2027", "title": "x", "template": "x"}),
            (
                reverse("accountability:round_detail", args=[self.shufa_round.pk]),
                {"reviewers": [self.county.pk]},
            ),
            (reverse("accountability:report_return", args=[self.report.pk]), {"reason": "越权退回"}),
            (reverse("accountability:plan_create"), {"topic": "x"}),
            (reverse("accountability:actions_propose"), {"year": "2026"}),
            (
                reverse("accountability:action_decide", args=[self.action.pk]),
                {"decision": "dismiss", "reason": "x"},
            ),
            (reverse("accountability:action_follow_up", args=[self.action.pk]), {"note": "x", "done": "on"}),
            (reverse("accountability:report_submit", args=[self.report.pk]), {}),
        ]
        for url, data in posts:
            for name in PERSONAS:
                if name == "office" and "submit" not in url:
                    continue
                with self.subTest(url=url, persona=name):
                    response = self.client_for(getattr(self, name)).post(url, data)
                    self.assertIn(response.status_code, (403, 404))
        self.action.refresh_from_db()
        self.report.refresh_from_db()
        self.assertEqual((self.action.state, self.report.state), ("proposed", "submitted"))
        self.assertEqual(list(self.shufa_round.reviewers.all()), [self.assessor])

    def test_it_lets_only_the_office_draw_and_keep_the_expert_pool(self):
        draw_form = {"purpose": "越权抽取", "purpose_code": "other", "size": "1", "backups": "0"}
        posts = [
            (reverse("experts:draw_create"), draw_form),
            (reverse("experts:draw_execute", args=[self.draw.pk]), {}),
            (reverse("experts:draw_cancel", args=[self.draw.pk]), {"reason": "越权取消"}),
            (reverse("experts:expert_create"), {"name": "x"}),
            (reverse("experts:expert_edit", args=[self.other_expert.pk]), {"name": "x"}),
            (
                reverse("experts:conflict_add", args=[self.other_expert.pk]),
                {"kind": "other", "description": "x"},
            ),
        ]
        for url, data in posts:
            for name in PERSONAS:
                if name == "office":
                    continue
                with self.subTest(url=url, persona=name):
                    response = self.client_for(getattr(self, name)).post(url, data)
                    self.assertIn(response.status_code, (403, 404))
        self.draw.refresh_from_db()
        self.assertEqual((self.draw.status, self.draw.result), ("committed", None))
        self.assertEqual(self.other_expert.conflicts.count(), 0)
        response = self.client_for(self.office).post(reverse("experts:draw_execute", args=[self.draw.pk]))
        self.assertEqual(response.status_code, 302)


class ListVisibilityTestCase(BaseTestCase):
    """Lists show each persona the objects in its data scope, and nothing else."""

    def codes_on_org_list(self, user) -> set[str]:
        html = self.client_for(user).get(reverse("orgs:list"), {"per_page": 100}).content.decode()
        return set(re.findall(r"<td>([0-9A-Z-]+)</td><td><a href=\"/orgs/", html))

    def test_it_shows_each_persona_its_own_part_of_the_org_tree(self):
        everything = {
            "440700",
            "440703",
            "440703001",
            "440704",
            "440700-YFZSB",
            "440700-SFJ",
            "440700-GAJ",
            "440700-ZJK",
        }
        self.assertEqual(self.codes_on_org_list(self.office), everything)
        self.assertEqual(self.codes_on_org_list(self.sysadmin), everything)
        self.assertEqual(self.codes_on_org_list(self.county), {"440703", "440703001"})
        self.assertEqual(self.codes_on_org_list(self.stranger), {"440704"})
        self.assertEqual(self.codes_on_org_list(self.assessor), {"440700-SFJ"})
        self.assertEqual(self.codes_on_org_list(self.expert), {"440700-ZJK"})

    def test_it_lists_every_account_to_the_sysadmin_and_secadmin(self):
        for user in (self.sysadmin, self.secadmin):
            response = self.client_for(user).get(reverse("accounts:user_list"), {"per_page": 100})
            for name in PERSONAS:
                self.assertContains(response, f"<td>{getattr(self, name).username}</td>")

    def test_it_shows_only_my_jobs_and_my_uploads(self):
        attachment_create(
            actor=self.stranger,
            uploaded_file=SimpleUploadedFile("江海.pdf", samples.PDF),
            org=self.stranger_org,
        )
        self.assertNotContains(self.client_for(self.county).get(reverse("attachments:mine")), "江海.pdf")
        self.assertContains(self.client_for(self.stranger).get(reverse("attachments:mine")), "江海.pdf")


class ScoreReopenMatrixTestCase(BaseTestCase):
    """重新打开 an approved score (POST only): the office; the unit that scored
    it is refused (403); whoever may not see the score gets 404."""

    def test_it_lets_only_the_office_reopen_an_approved_score(self):
        from assessments.models import Phase, Score
        from assessments.tests.r_fixtures import make_campaign

        campaign = make_campaign(self, year=2023, phase=Phase.SCORING)
        score = Score.objects.get(campaign=campaign, target=self.county_org, indicator__code="A1")
        page = reverse("assessments:score_reopen", args=[score.pk])
        api = f"/api/v1/assessments/scores/{score.pk}/reopen/"
        table = expect({"office"}, status=0, denied=404, assessor=403)
        for name in [n for n in PERSONAS if n != "office"] + ["office"]:  # the office last: it reopens
            body = {"version": Score.objects.get(pk=score.pk).version, "reason": "依据有误"}
            with self.subTest(persona=name):
                client = self.client_for(getattr(self, name))
                self.assertEqual(client.get(page).status_code, 405)
                expected_page, expected_api = (302, 200) if name == "office" else (table[name], table[name])
                self.assertEqual(client.post(api, body).status_code, expected_api)
                if name == "office":  # the API reopened it; approve again for the page
                    Score.objects.filter(pk=score.pk).update(status="approved")
                    body["version"] = Score.objects.get(pk=score.pk).version
                self.assertEqual(client.post(page, body).status_code, expected_page)
        self.assertEqual(Score.objects.get(pk=score.pk).status, "draft")
