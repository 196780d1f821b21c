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
        self.problem_campaign, self.problem = _problem_fixture(self)

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
            *_problem_routes(c),
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


# --------------------------------------------------------------------------- 问题线索 (problems)

UNITS = {"office", "county", "stranger", "assessor", "assessor_b"}  # the office and every unit user


def _problem_fixture(tc: BaseTestCase) -> tuple[object, object]:
    """A 专项整治 and one of its clues, assigned to 蓬江区 (the county persona)."""
    import datetime

    from problems import services
    from problems.models import Source

    campaign = services.campaign_create(
        actor=tc.office,
        name="矩阵测试专项整治",
        year=2023,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 12, 31),
        categories=["逐利执法"],
    )
    problem = services.problem_register(
        actor=tc.office, source=Source.CAMPAIGN, title="矩阵测试问题", org=tc.county_org,
        campaign=campaign, category="逐利执法",
    )  # fmt: skip
    problem = services.problem_transition(
        actor=tc.office,
        problem=problem,
        action="assign",
        deadline=datetime.date.today() + datetime.timedelta(days=30),
    )
    return campaign, problem


def _problem_routes(c: AuthorizationMatrixTestCase) -> list[tuple[str, Callable[[], str], dict[str, int]]]:
    p, k = c.problem.pk, c.problem_campaign.pk
    office_only = expect({"office"}, denied=404)
    units = expect(UNITS, denied=404)
    own = expect({"office", "county"}, denied=404)
    return [
        ("问题线索", lambda: reverse("problems:list"), units),
        ("问题线索导出", lambda: reverse("problems:export"), units),
        ("登记问题线索", lambda: reverse("problems:register"), office_only),
        ("可能重复的问题", lambda: reverse("problems:duplicates"), office_only),
        ("导入问题线索", lambda: reverse("problems:import"), office_only),
        ("问题线索导入模板", lambda: reverse("problems:import_template"), office_only),
        ("问题统计", lambda: reverse("problems:stats"), units),
        ("问题统计图", lambda: reverse("problems:stats_chart", args=["state"]), units),
        ("问题统计导出", lambda: reverse("problems:stats_xlsx", args=["unit"]), units),
        ("专项整治列表", lambda: reverse("problems:campaign_list"), office_only),
        ("新建专项整治", lambda: reverse("problems:campaign_create"), office_only),
        ("专项整治详情", lambda: reverse("problems:campaign_detail", args=[k]), own),
        ("修改专项整治", lambda: reverse("problems:campaign_edit", args=[k]), office_only),
        ("专项整治报告", lambda: reverse("problems:campaign_report", args=[k]), office_only),
        ("问题详情", lambda: reverse("problems:detail", args=[p]), own),
        ("API 问题线索", lambda: "/api/v1/problems/", expect(UNITS)),
        ("API 问题详情", lambda: f"/api/v1/problems/{p}/", own),
        ("API 问题统计", lambda: "/api/v1/problems/stats/", expect(UNITS)),
        ("API 专项整治", lambda: "/api/v1/problem-campaigns/", expect(UNITS)),
        (
            "API 专项整治详情",
            lambda: f"/api/v1/problem-campaigns/{k}/",
            expect({"office", "county"}, denied=404, expert=403, sysadmin=403, secadmin=403, auditadmin=403),
        ),
    ]


class ProblemWritesTestCase(BaseTestCase):
    """Every write of the tracker: only its party may, a unit only on its own problem;
    those who may not know the problem exists get 404, the other party 403."""

    def setUp(self) -> None:
        self.campaign, self.problem = _problem_fixture(self)

    def test_it_lets_only_the_responsible_unit_sign_and_only_the_office_act_for_the_office(self):
        p = self.problem.pk
        posts = [
            (reverse("problems:act", args=[p, "sign"]), {}, {"county": 302, "office": 403}),
            (reverse("problems:act", args=[p, "close"]), {}, {"county": 403, "office": 409}),
            (reverse("problems:supervise", args=[p]), {"on": "1"}, {"county": 403, "office": 302}),
            (
                reverse("problems:extension_request", args=[p]),
                {"requested_deadline": "2099-01-01", "reason": "x"},
                {"county": 302, "office": 403},
            ),
            (f"/api/v1/problems/{p}/accept/", {}, {"county": 403, "office": 409}),
            (reverse("problems:register"), {"title": "x"}, {"office": 400}),
            (reverse("problems:import"), {}, {"office": 400}),
            (reverse("problems:campaign_create"), {"name": "x"}, {"office": 400}),
            (reverse("problems:measure_create", args=[self.campaign.pk]), {"title": "措施"}, {"office": 302}),
            (
                reverse("problems:campaign_edit", args=[self.campaign.pk]),
                {
                    "name": "x",
                    "year": 2023,
                    "start_date": "2023-01-01",
                    "end_date": "2023-12-31",
                    "categories": "逐利执法",
                },
                {"office": 302},
            ),
            (reverse("problems:measure_delete", args=[self.campaign.pk, 999999]), {}, {}),
            (
                reverse("problems:extension_decide", args=[p, 999999]),
                {"decision": "grant"},
                {"office": 404, "county": 403},
            ),
            (
                "/api/v1/problems/",
                {"title": "x"},
                {
                    "office": 400,
                    "county": 403,
                    "stranger": 403,
                    "assessor": 403,
                    "assessor_b": 403,
                    "expert": 403,
                    "sysadmin": 403,
                    "secadmin": 403,
                    "auditadmin": 403,
                },
            ),
        ]
        for url, data, allowed in posts:
            for name in PERSONAS:
                with self.subTest(url=url, persona=name):
                    client = self.client_for(getattr(self, name))
                    if url.startswith("/api/"):
                        response = client.post(url, data, content_type="application/json")
                    else:
                        response = client.post(url, data)
                    self.assertEqual(response.status_code, allowed.get(name, 404))
        self.problem.refresh_from_db()
        self.assertEqual((self.problem.state, self.problem.supervised), ("signed", True))


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
