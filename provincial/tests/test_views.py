import io
from decimal import Decimal

from openpyxl import load_workbook

from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from provincial import services
from provincial.models import ProvincialFramework, ProvincialResult, Task, TaskStatus
from provincial.tests.factories import framework, submitted, task, text_file

DENIED = ("county", "stranger", "assessor_b", "sysadmin", "secadmin", "auditadmin", "expert")


class ViewsTestCase(BaseTestCase):
    def setUp(self):
        self.framework = framework(self.office)
        self.indicator = self.framework.indicators.get(code="1.1")
        self.task = task(self.office, self.indicator, self.sfj)  # 市司法局 (self.assessor) has a task
        self.office_client = self.client_for(self.office)
        self.unit_client = self.client_for(self.assessor)

    def office_urls(self):
        f, i, t = self.framework.pk, self.indicator.pk, self.task.pk
        return [
            "/provincial/frameworks/",
            f"/provincial/frameworks/{f}/",
            f"/provincial/frameworks/{f}/gaps/",
            f"/provincial/frameworks/{f}/edit/",
            f"/provincial/frameworks/{f}/export.xlsx",
            f"/provincial/indicators/{i}/",
            f"/provincial/tasks/{t}/edit/",
            "/provincial/results/",
            "/provincial/results/export.xlsx",
            "/provincial/frameworks/import/",
            "/provincial/frameworks/template.xlsx",
        ]


class OfficePagesTestCase(ViewsTestCase):
    def test_it_shows_every_office_page(self):
        for url in [*self.office_urls(), "/provincial/tasks/", f"/provincial/tasks/{self.task.pk}/"]:
            with self.subTest(url):
                self.assertEqual(self.office_client.get(url).status_code, 200)

    def test_it_sends_the_office_to_the_frameworks(self):
        self.assertRedirects(self.office_client.get("/provincial/"), "/provincial/frameworks/")

    def test_it_shows_the_expected_score_and_the_tasks_on_the_framework_page(self):
        response = self.office_client.get(f"/provincial/frameworks/{self.framework.pk}/")
        self.assertContains(response, "学习贯彻习近平法治思想")
        self.assertContains(response, "江门市司法局")
        self.assertContains(response, '<div class="fs-3 fw-semibold text-danger" id="expected-total">0<span')

    def test_it_shows_the_gaps(self):
        response = self.office_client.get(f"/provincial/frameworks/{self.framework.pk}/gaps/")
        self.assertContains(response, '未分派任务的指标 <span class="badge text-bg-secondary">3</span>')
        self.assertContains(response, '没有佐证材料的任务 <span class="badge text-bg-secondary">1</span>')

    def test_it_splits_an_indicator_into_tasks(self):
        response = self.office_client.post(
            f"/provincial/indicators/{self.indicator.pk}/",
            {"orgs": [self.gaj.pk, self.office_org.pk], "deadline": "2099-06-30", "description": "提供材料"},
        )
        self.assertRedirects(response, f"/provincial/indicators/{self.indicator.pk}/")
        self.assertEqual(
            set(self.indicator.tasks.values_list("org__code", flat=True)),
            {"440700-SFJ", "440700-GAJ", "440700-YFZSB"},
        )

    def test_it_refuses_a_past_deadline_with_a_clear_message(self):
        response = self.office_client.post(
            f"/provincial/indicators/{self.indicator.pk}/", {"orgs": [self.gaj.pk], "deadline": "2020-01-01"}
        )
        self.assertContains(response, "截止日期 2020-01-01 已经过去")
        self.assertEqual(self.indicator.tasks.count(), 1)

    def test_it_refuses_counties_and_bad_input_as_responsible_units(self):
        for data in (
            {"orgs": [self.county_org.pk], "deadline": "2099-01-01"},
            {"orgs": [], "deadline": "2099-01-01"},
            {"orgs": ["x"], "deadline": "2099-01-01"},
            {"orgs": [self.gaj.pk], "deadline": "明天"},
            {"orgs": [self.sfj.pk], "deadline": "2099-01-01"},
        ):
            with self.subTest(data):
                response = self.office_client.post(f"/provincial/indicators/{self.indicator.pk}/", data)
                self.assertEqual(response.status_code, 200)
        self.assertEqual(Task.objects.count(), 1)

    def test_it_changes_a_deadline_and_refuses_a_past_one(self):
        url = f"/provincial/tasks/{self.task.pk}/edit/"
        self.assertContains(
            self.office_client.post(url, {"deadline": "2001-01-01", "description": ""}), "已经过去"
        )
        self.assertRedirects(
            self.office_client.post(url, {"deadline": "2099-01-31", "description": "改"}),
            f"/provincial/tasks/{self.task.pk}/",
        )
        self.task.refresh_from_db()
        self.assertEqual(str(self.task.deadline), "2099-01-31")

    def test_it_accepts_and_returns_submitted_tasks(self):
        t = submitted(self.office, self.assessor_b, self.indicator, score="3")
        response = self.office_client.post(f"/provincial/tasks/{t.pk}/return/", {"reason": ""})
        self.assertContains(response, "退回时必须填写理由", status_code=400)
        response = self.office_client.post(f"/provincial/tasks/{t.pk}/accept/", {"reviewed_score": "9"})
        self.assertContains(response, "超过了该指标的分值", status_code=400)
        self.assertRedirects(
            self.office_client.post(f"/provincial/tasks/{t.pk}/accept/", {"reviewed_score": "2.5"}),
            f"/provincial/tasks/{t.pk}/",
        )
        t.refresh_from_db()
        self.assertEqual((t.status, t.reviewed_score), (TaskStatus.ACCEPTED, Decimal("2.5")))
        self.office_client.post(f"/provincial/tasks/{t.pk}/return/", {"reason": "材料不全"})
        t.refresh_from_db()
        self.assertEqual((t.status, t.return_reason), (TaskStatus.RETURNED, "材料不全"))

    def test_it_refuses_to_accept_a_task_that_is_not_submitted(self):
        response = self.office_client.post(f"/provincial/tasks/{self.task.pk}/accept/", {})
        self.assertContains(response, "只有待审核的任务可以通过", status_code=400)

    def test_it_withdraws_a_task(self):
        response = self.office_client.post(f"/provincial/tasks/{self.task.pk}/delete/")
        self.assertRedirects(response, f"/provincial/indicators/{self.indicator.pk}/")
        self.assertFalse(Task.objects.exists())

    def test_it_edits_and_deletes_a_framework(self):
        url = f"/provincial/frameworks/{self.framework.pk}/"
        self.office_client.post(url + "edit/", {"name": "新名称", "source_note": "文号"})
        self.framework.refresh_from_db()
        self.assertEqual(self.framework.name, "新名称")
        self.assertRedirects(self.office_client.post(url + "delete/"), url)  # has tasks: refused
        Task.objects.all().delete()
        self.assertRedirects(self.office_client.post(url + "delete/"), "/provincial/frameworks/")
        self.assertFalse(ProvincialFramework.objects.exists())

    def test_it_exports_the_framework_and_records_the_export(self):
        response = self.office_client.get(f"/provincial/frameworks/{self.framework.pk}/export.xlsx")
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual(wb.sheetnames, ["指标", "任务分解", "预计得分"])
        self.assertEqual(wb["任务分解"]["D2"].value, "江门市司法局")
        self.assertTrue(AuditEntry.objects.filter(action="provincial.framework.exported").exists())

    def test_it_records_the_province_grade(self):
        response = self.office_client.post(
            "/provincial/results/", {"year": 2022, "grade": "优秀", "score": ""}
        )
        self.assertRedirects(response, "/provincial/results/")
        self.assertEqual(ProvincialResult.objects.get().grade, "优秀")
        response = self.office_client.post("/provincial/results/", {"year": "去年", "grade": "特优"})
        self.assertContains(response, "请输入四位数的年度")
        self.office_client.get("/provincial/results/export.xlsx")
        self.assertTrue(AuditEntry.objects.filter(action="provincial.result.exported").exists())


class UnitPagesTestCase(ViewsTestCase):
    def test_it_sends_the_unit_to_its_tasks_and_lists_only_them(self):
        task(self.office, self.framework.indicators.get(code="1.2"), self.gaj)
        self.assertRedirects(self.unit_client.get("/provincial/"), "/provincial/tasks/")
        response = self.unit_client.get("/provincial/tasks/")
        self.assertContains(response, "学习贯彻习近平法治思想")
        self.assertNotContains(response, "第一责任人职责")
        self.assertEqual([t.pk for t in response.context["page"]], [self.task.pk])

    def test_it_answers_htmx_filters_with_the_table_only(self):
        response = self.unit_client.get(
            "/provincial/tasks/?q=学习&status=assigned", headers={"HX-Request": "true"}
        )
        self.assertContains(response, 'id="task-table"')
        self.assertNotContains(response, "<html")
        self.assertContains(response, "学习贯彻习近平法治思想")
        self.assertEqual(
            self.unit_client.get("/provincial/tasks/?framework=x&page=99&sort=evil").status_code, 200
        )

    def test_it_ignores_an_org_filter_from_a_unit(self):
        task(self.office, self.framework.indicators.get(code="1.2"), self.gaj)
        response = self.unit_client.get(f"/provincial/tasks/?org={self.gaj.pk}")
        self.assertEqual([t.pk for t in response.context["page"]], [self.task.pk])

    def test_it_lets_the_unit_report_upload_and_submit(self):
        url = f"/provincial/tasks/{self.task.pk}/"
        self.assertContains(self.unit_client.post(url + "submit/"), "请至少上传一份佐证材料", status_code=400)
        response = self.unit_client.post(url + "report/", {"note": "已开展专题学习", "self_score": "5"})
        self.assertContains(response, "超过了该指标的分值", status_code=400)
        self.assertRedirects(
            self.unit_client.post(url + "report/", {"note": "已开展专题学习", "self_score": "3.5"}), url
        )
        self.assertRedirects(
            self.unit_client.post(
                url + "evidence/", {"file": [text_file("记录.txt"), text_file("计划.txt")]}
            ),
            url,
        )
        self.assertRedirects(self.unit_client.post(url + "submit/"), url)
        self.task.refresh_from_db()
        self.assertEqual(
            (self.task.status, self.task.self_score, self.task.evidence.count()),
            (TaskStatus.SUBMITTED, Decimal("3.5"), 2),
        )

    def test_it_names_the_refused_files(self):
        url = f"/provincial/tasks/{self.task.pk}/"
        response = self.unit_client.post(
            url + "evidence/", {"file": [text_file("好.txt"), text_file("坏.exe", "MZ")]}
        )
        self.assertContains(response, "「坏.exe」", status_code=400)
        self.assertEqual(self.task.evidence.count(), 1)
        self.assertContains(
            self.unit_client.post(url + "evidence/", {}), "请选择要上传的文件", status_code=400
        )

    def test_it_removes_evidence_while_open(self):
        a = services.task_evidence_add(actor=self.assessor, task=self.task, uploaded_file=text_file())
        url = f"/provincial/tasks/{self.task.pk}/evidence/{a.pk}/remove/"
        self.assertEqual(self.client_for(self.assessor_b).post(url).status_code, 404)
        self.assertRedirects(self.unit_client.post(url), f"/provincial/tasks/{self.task.pk}/")
        self.assertEqual(self.task.evidence.count(), 0)

    def test_it_forbids_the_unit_to_change_a_submitted_task_or_review(self):
        services.task_evidence_add(actor=self.assessor, task=self.task, uploaded_file=text_file())
        services.task_report(actor=self.assessor, task=self.task, note="", self_score=Decimal("4"))
        services.task_submit(actor=self.assessor, task=self.task)
        url = f"/provincial/tasks/{self.task.pk}/"
        for action, data in (
            ("report/", {"note": "改", "self_score": "1"}),
            ("evidence/", {"file": text_file()}),
            ("submit/", {}),
            ("accept/", {}),
            ("return/", {"reason": "x"}),
            ("delete/", {}),
            ("edit/", {"deadline": "2099-01-01"}),
        ):
            with self.subTest(action):
                self.assertEqual(self.unit_client.post(url + action, data).status_code, 403)
        self.assertEqual(self.unit_client.get(url).status_code, 200)
        self.task.refresh_from_db()
        self.assertEqual((self.task.status, self.task.self_score), (TaskStatus.SUBMITTED, Decimal("4")))

    def test_it_forbids_the_unit_to_review_an_open_task(self):
        url = f"/provincial/tasks/{self.task.pk}/"
        for action in ("accept/", "return/", "delete/", "edit/"):
            with self.subTest(action):
                self.assertEqual(self.unit_client.post(url + action, {"reason": "x"}).status_code, 403)

    def test_it_hides_the_office_pages_from_the_unit(self):
        edit = f"/provincial/tasks/{self.task.pk}/edit/"
        for url in self.office_urls():
            with self.subTest(url):
                self.assertEqual(self.unit_client.get(url).status_code, 403 if url == edit else 404)

    def test_it_forbids_the_office_to_report_for_a_unit(self):
        url = f"/provincial/tasks/{self.task.pk}/"
        self.assertEqual(
            self.office_client.post(url + "report/", {"note": "代填", "self_score": "1"}).status_code, 403
        )


class DeniedPersonasTestCase(ViewsTestCase):
    def test_it_is_not_found_for_counties_strangers_units_without_tasks_experts_and_admins(self):
        t = self.task.pk
        urls = [*self.office_urls(), "/provincial/", "/provincial/tasks/", f"/provincial/tasks/{t}/"]
        posts = [
            f"/provincial/tasks/{t}/{a}/"
            for a in ("report", "evidence", "submit", "accept", "return", "delete")
        ]
        posts += [
            f"/provincial/indicators/{self.indicator.pk}/",
            "/provincial/results/",
            f"/provincial/frameworks/{self.framework.pk}/delete/",
            f"/provincial/frameworks/{self.framework.pk}/package/",
        ]
        for name in DENIED:
            client = self.client_for(self.personas[name])
            for url in urls:
                with self.subTest(name=name, url=url):
                    self.assertEqual(client.get(url).status_code, 404)
            for url in posts:
                with self.subTest(name=name, url=url):
                    self.assertEqual(
                        client.post(url, {"reason": "x", "year": 2022, "grade": "优秀"}).status_code, 404
                    )
        self.assertEqual(Task.objects.get().status, TaskStatus.ASSIGNED)
        self.assertFalse(ProvincialResult.objects.exists())

    def test_it_asks_anonymous_users_to_log_in(self):
        response = self.client.get("/provincial/tasks/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


class NavAndTodosTestCase(ViewsTestCase):
    def test_it_shows_the_nav_item_to_the_office_and_units_with_tasks_only(self):
        self.assertContains(self.office_client.get("/"), 'href="/provincial/"')
        self.assertContains(self.unit_client.get("/"), 'href="/provincial/"')
        for name in DENIED:
            with self.subTest(name):
                self.assertNotContains(self.client_for(self.personas[name]).get("/"), 'href="/provincial/"')

    def test_it_shows_a_unit_its_tasks_due_and_the_office_what_awaits_review(self):
        submitted(self.office, self.assessor_b, self.framework.indicators.get(code="1.2"))
        Task.objects.filter(pk=self.task.pk).update(deadline="2020-01-01")
        unit_home = self.unit_client.get("/")
        self.assertContains(unit_home, "迎检任务：1.1 学习贯彻习近平法治思想")
        self.assertContains(unit_home, "截止 2020-01-01")
        office_home = self.office_client.get("/")
        self.assertContains(office_home, "1 项迎检任务待审核")
        self.assertContains(office_home, "1 项迎检任务已逾期未提交")
        self.assertNotContains(self.client_for(self.assessor_b).get("/"), "迎检任务：")

    def test_it_updates_the_nav_when_a_unit_gets_its_first_task(self):
        client = self.client_for(self.assessor_b)
        self.assertNotContains(client.get("/"), 'href="/provincial/"')
        with self.captureOnCommitCallbacks(execute=True):
            task(self.office, self.indicator, self.gaj)
        self.assertContains(client.get("/"), 'href="/provincial/"')


class QueryCountTestCase(ViewsTestCase):
    def grow(self):
        """More indicators, tasks and evidence must not mean more queries."""
        for code in ("1.2", "2.1", "2.2"):
            indicator = self.framework.indicators.get(code=code)
            for unit in (self.assessor, self.assessor_b):
                t = task(self.office, indicator, unit.org)
                services.task_evidence_add(actor=unit, task=t, uploaded_file=text_file())
        f2 = framework(self.office, year=2024)
        task(self.office, f2.indicators.first(), self.sfj)
        services.result_record(actor=self.office, year=2022, grade="优秀")
        services.result_record(actor=self.office, year=2021, grade="优秀")

    def counts(self):
        pages = {
            "frameworks": (self.office_client, "/provincial/frameworks/"),
            "framework": (self.office_client, f"/provincial/frameworks/{self.framework.pk}/"),
            "gaps": (self.office_client, f"/provincial/frameworks/{self.framework.pk}/gaps/"),
            "office tasks": (self.office_client, f"/provincial/tasks/?framework={self.framework.pk}"),
            "unit tasks": (self.unit_client, f"/provincial/tasks/?framework={self.framework.pk}"),
            "results": (self.office_client, "/provincial/results/"),
        }
        return {name: self._count(client, url) for name, (client, url) in pages.items()}

    def _count(self, client, url):
        from unittest import mock

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from workbench import nav

        # only this module's nav item: other modules' nav predicates are theirs to pin
        ours = [item for item in nav._items if item.url_name.split(":")[0] in ("workbench", "provincial")]
        with mock.patch.object(nav, "_items", ours):
            client.get(url)  # warm the session and the nav cache
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(client.get(url).status_code, 200)
        return len(ctx.captured_queries)

    def test_it_renders_list_pages_with_a_pinned_number_of_queries(self):
        # session, user with its role and org (accounts.backends) + the page's own queries
        expected = {
            "frameworks": 5,
            "framework": 5,
            "gaps": 5,
            "office tasks": 6,
            "unit tasks": 5,
            "results": 3,
        }
        self.assertEqual(self.counts(), expected)
        self.grow()
        self.assertEqual(self.counts(), expected)


class ResponsibleUnitsTestCase(BaseTestCase):
    def test_it_offers_municipal_units_but_not_counties_or_the_expert_pool(self):
        from provincial.selectors import municipal_units

        units = list(municipal_units())
        self.assertEqual(set(units[:2]), {self.sfj, self.gaj})  # the assessing units come first
        self.assertIn(self.office_org, units)
        self.assertNotIn(self.county_org, units)
        self.assertNotIn(self.pool_org, units)
