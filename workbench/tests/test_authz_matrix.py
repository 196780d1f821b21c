"""Authorization matrix of the foundation: for each persona, which views it may
reach (and which objects a list shows it) and which it may not."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import task

from accounts.models import Role
from accounts.services import admin_role_request_propose
from attachments.services import attachment_create
from attachments.tests import samples
from audit.services import audit_record
from experts import services as expert_services
from experts.tests.factories import expert as make_expert
from fazhi.testing import BaseTestCase
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


class SelectionsAuthorizationTestCase(BaseTestCase):
    """惠民实事 (selections): every internal page per persona, the public pages for anyone."""

    def setUp(self) -> None:
        from selections import services
        from selections.models import Nomination, Phase, Review

        office = self.office

        def nominate(edition, org, title):  # noqa: ANN001, ANN202
            return services.nomination_submit(
                actor=None,
                edition=edition,
                title=title,
                nominating_unit=org.name,
                description="d",
                beneficiaries="b",
                timeline="t",
                org=org,
            )[0]

        self.edition = services.edition_create(actor=office, year=2023, ordinal=2, name="第二届")
        self.nomination = nominate(self.edition, self.county_org, "蓬江项目")
        self.edition = services.edition_advance(actor=office, edition=self.edition, to_phase=Phase.SCREEN)
        services.nomination_screen(actor=office, nomination=self.nomination, eligible=True, reason="符合")
        services.panel_assign(actor=office, edition=self.edition, members=[(self.expert, None, [])])
        self.edition = services.edition_advance(actor=office, edition=self.edition, to_phase=Phase.REVIEW)
        self.review = Review.objects.get(member__user=self.expert)
        tracked = services.edition_create(actor=office, year=2022, ordinal=1, name="第一届")
        project = nominate(tracked, self.county_org, "蓬江落实项目")
        for phase in (Phase.SCREEN,):
            tracked = services.edition_advance(actor=office, edition=tracked, to_phase=phase)
        services.nomination_screen(actor=office, nomination=project, eligible=True, reason="符合")
        services.panel_assign(actor=office, edition=tracked, members=[(self.expert, None, [])])
        tracked = services.edition_advance(actor=office, edition=tracked, to_phase=Phase.REVIEW)
        review = Review.objects.get(nomination=project)
        services.review_save(
            actor=self.expert,
            review=review,
            scores={c: 8 for c in ("legality", "mass", "inclusive", "feasibility", "innovation")},
            comment="",
            submit=True,
        )
        for phase in (Phase.VOTE, Phase.RANK, Phase.PUBLICITY, Phase.PUBLISHED, Phase.TRACKING):
            tracked = services.edition_advance(actor=office, edition=tracked, to_phase=phase)
        self.tracked = tracked
        self.project = Nomination.objects.get(pk=project.pk)

    def matrix(self) -> list[tuple[str, str, dict[str, int]]]:
        e, t = self.edition.pk, self.tracked.pk
        units = {"county", "stranger", "assessor", "assessor_b"}
        office_only = expect({"office"}, denied=403, sysadmin=404, secadmin=404, auditadmin=404)
        return [
            (
                "惠民实事首页",
                reverse("selections:home"),
                expect(units | {"office", "expert"}, status=302, denied=404),
            ),
            ("评选列表", reverse("selections:edition_list"), expect(units | {"office"}, denied=404)),
            ("新建评选", reverse("selections:edition_create"), expect({"office"})),
            (
                "评选详情",
                reverse("selections:edition_detail", args=[e]),
                expect(units | {"office"}, denied=404),
            ),
            ("修改评选", reverse("selections:edition_edit", args=[e]), office_only),
            ("评选规则", reverse("selections:edition_rules", args=[e]), office_only),
            ("评审专家组", reverse("selections:panel", args=[e]), office_only),
            ("抽取评审专家组", reverse("selections:panel_draw", args=[e]), office_only),
            ("公众投票管理", reverse("selections:votes", args=[e]), office_only),
            ("公示异议", reverse("selections:objections", args=[e]), office_only),
            ("公告 docx", reverse("selections:notice_docx", args=[t]), office_only),
            ("单位推荐", reverse("selections:nominate", args=[e]), expect(units, denied=404)),
            (
                "推荐项目详情",
                reverse("selections:nomination_detail", args=[self.nomination.pk]),
                expect({"office", "county", "expert"}, denied=404),
            ),
            ("我的评审", reverse("selections:my_reviews"), expect({"expert"}, denied=404)),
            (
                "评审",
                reverse("selections:review_detail", args=[self.review.pk]),
                expect({"expert", "office"}, denied=404),
            ),
            ("项目跟踪", reverse("selections:project_list"), expect(units | {"office"}, denied=404)),
            (
                "项目详情",
                reverse("selections:project_detail", args=[self.project.pk]),
                expect({"office", "county"}, denied=404),
            ),
            ("API 评选", "/api/v1/selections/editions/", expect(units | {"office", "expert"})),
            ("API 推荐项目", "/api/v1/selections/nominations/", expect(units | {"office", "expert"})),
            ("API 评审", "/api/v1/selections/reviews/", expect({"office", "expert"})),
            ("API 投票统计", f"/api/v1/selections/editions/{e}/vote-stats/", office_only),
        ]

    def test_it_lets_each_persona_reach_only_what_its_role_allows(self):
        for label, url, table in self.matrix():
            for name in PERSONAS:
                with self.subTest(view=label, persona=name):
                    self.assertEqual(self.client_for(getattr(self, name)).get(url).status_code, table[name])

    def test_it_sends_anonymous_visitors_to_log_in_but_serves_the_public_pages(self):
        for label, url, _ in self.matrix():
            with self.subTest(view=label):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 401 if url.startswith("/api/") else 302)
        public = [
            reverse("huimin:index"),
            reverse("huimin:status"),
            reverse("huimin:results", args=[self.tracked.pk]),
            reverse("huimin:notice", args=[self.tracked.pk]),
            f"/api/v1/selections/public/results/{self.tracked.pk}/",
        ]
        for url in public:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        for url in (
            reverse("huimin:results", args=[self.edition.pk]),
            reverse("huimin:vote", args=[self.edition.pk]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_lets_only_the_office_screen_advance_or_draw_the_panel(self):
        posts = [
            (
                reverse("selections:nomination_screen", args=[self.nomination.pk]),
                {"eligible": "1", "reason": "x"},
            ),
            (reverse("selections:edition_advance", args=[self.edition.pk]), {"to_phase": "vote"}),
            (
                reverse("selections:milestone_add", args=[self.project.pk]),
                {"title": "x", "due": "2030-01-01"},
            ),
            (reverse("selections:panel_draw", args=[self.edition.pk]), {"size": "1", "backups": "0"}),
            (reverse("selections:panel_draw_execute", args=[self.edition.pk]), {}),
        ]
        allowed = {0: {"office"}, 1: {"office"}, 2: {"office", "county"}, 3: {"office"}, 4: {"office"}}
        for i, (url, data) in enumerate(posts):
            for name in PERSONAS:
                with self.subTest(url=url, persona=name):
                    status = self.client_for(getattr(self, name)).post(url, data).status_code
                    if name in allowed[i]:
                        self.assertIn(status, (200, 302, 400))
                    else:
                        self.assertIn(status, (403, 404))
