from __future__ import annotations

import io
from decimal import Decimal

import docx
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from performance import services
from performance.engine import score_evaluation
from performance.models import BudgetProject, Indicator, ProjectStatus
from performance.standard_table import write_table
from performance.tests.engine_helpers import seed_evaluation
from performance.tests.fixtures import make_project, table_post

DENIED = ("assessor_b", "stranger", "county", "sysadmin", "secadmin", "auditadmin", "expert")


class PerformanceViewTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.sfj)
        self.detail = reverse("performance:project_detail", args=[self.project.pk])

    def url(self, name, *args):
        return reverse(f"performance:{name}", args=[self.project.pk, *args])

    def audit_actions(self):
        return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


class ProjectListViewTestCase(PerformanceViewTestCase):
    def test_it_lists_the_project_for_the_office_and_the_department(self):
        for user in (self.office, self.assessor):
            response = self.client_for(user).get(reverse("performance:project_list"))
            self.assertContains(response, self.detail)
            self.assertContains(response, "50.12%")

    def test_it_hides_the_project_from_other_units(self):
        for name in ("assessor_b", "stranger", "expert"):
            response = self.client_for(getattr(self, name)).get(reverse("performance:project_list"))
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, self.detail)

    def test_it_refuses_the_three_admins(self):
        for user in (self.sysadmin, self.secadmin, self.auditadmin):
            self.assertEqual(self.client_for(user).get(reverse("performance:project_list")).status_code, 403)

    def test_it_redirects_anonymous_users_to_login(self):
        response = self.client.get(reverse("performance:project_list"))
        self.assertEqual(response.status_code, 302)

    def test_it_filters_and_returns_a_partial_to_htmx(self):
        client = self.client_for(self.office)
        response = client.get(reverse("performance:project_list"), {"q": "不存在"}, HTTP_HX_REQUEST="true")
        self.assertNotContains(response, self.detail)
        self.assertNotContains(response, "<html")

    def test_it_keeps_the_query_count_constant_in_the_number_of_rows(self):
        client = self.client_for(self.office)
        url = reverse("performance:project_list")
        client.get(url)
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        for n in range(5):
            make_project(self.gaj, name=f"项目{n}", live=True)
        with CaptureQueriesContext(connection) as six:
            response = client.get(url)
        self.assertContains(response, "项目4")
        self.assertEqual(
            len(six), len(one) + 1, [q["sql"] for q in six.captured_queries]
        )  # + one live metric

    def test_it_pins_the_query_count(self):
        for n in range(3):
            make_project(self.gaj, name=f"项目{n}")
        client = self.client_for(self.office)
        client.get(reverse("performance:project_list"))
        # session, user (with its role and org), count, page, indicators, year list
        with self.assertNumQueries(6):
            client.get(reverse("performance:project_list"))


class ProjectDetailViewTestCase(PerformanceViewTestCase):
    def test_it_shows_the_scored_table_to_the_office_and_the_department(self):
        for user in (self.office, self.assessor):
            response = self.client_for(user).get(self.detail)
            self.assertContains(response, "50.12%")
            self.assertContains(response, "95.01")
            self.assertContains(response, "92.01")
            self.assertContains(response, "TOTAL_ABOVE_MAX")
            self.assertContains(response, 'hx-post="' + self.url("table_preview"))

    def test_it_is_not_found_for_everyone_else(self):
        for name in DENIED:
            response = self.client_for(getattr(self, name)).get(self.detail)
            self.assertEqual(response.status_code, 404, name)

    def test_it_shows_live_values(self):
        project = make_project(self.sfj, name="实时项目", live=True)
        response = self.client_for(self.assessor).get(
            reverse("performance:project_detail", args=[project.pk])
        )
        self.assertContains(response, "实时 1人")  # one expert account in the test data


class TablePreviewViewTestCase(PerformanceViewTestCase):
    def test_it_scores_what_is_typed_without_saving(self):
        data = table_post(self.project, **{"p-budget_executed": "６９８,０００", "p-declared_total": "100"})
        response = self.client_for(self.assessor).post(
            self.url("table_preview"), data, HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, 'id="score-panel"')
        self.assertContains(response, 'id="total-cell" hx-swap-oob="true">97<')
        self.assertContains(response, "尚未保存")
        self.project.refresh_from_db()
        self.assertEqual(self.project.budget_executed, Decimal(349845))

    def test_it_shows_the_error_of_a_cell_that_is_not_a_number(self):
        ind = self.project.indicators.first()
        data = table_post(self.project, **{f"i{ind.pk}-weight": "二十"})
        response = self.client_for(self.assessor).post(self.url("table_preview"), data)
        self.assertContains(response, "请输入数字")

    def test_it_is_denied_to_others_and_on_submitted_projects(self):
        data = table_post(self.project)
        self.assertEqual(
            self.client_for(self.stranger).post(self.url("table_preview"), data).status_code, 404
        )
        self.assertEqual(self.client_for(self.assessor).get(self.url("table_preview")).status_code, 405)
        services.project_submit(actor=self.assessor, project=self.project)
        self.assertEqual(
            self.client_for(self.assessor).post(self.url("table_preview"), data).status_code, 403
        )


class TableSaveViewTestCase(PerformanceViewTestCase):
    def test_it_saves_changed_rows_and_audits_each(self):
        ind = self.project.indicators.get(name="依法治市水平")
        data = table_post(
            self.project, **{f"i{ind.pk}-declared_score": "１２分", "p-execution_reason": "部分采购延期"}
        )
        response = self.client_for(self.assessor).post(self.url("table_save"), data)
        self.assertRedirects(response, self.detail)
        ind.refresh_from_db()
        self.project.refresh_from_db()
        self.assertEqual(ind.declared_score, Decimal(12))
        self.assertEqual(self.project.execution_reason, "部分采购延期")
        actions = self.audit_actions()
        self.assertEqual(actions[-2:], ["performance.project.updated", "performance.indicator.updated"])

    def test_it_saves_nothing_when_a_cell_is_wrong(self):
        first, second = self.project.indicators.all()[:2]
        data = table_post(
            self.project, **{f"i{first.pk}-declared_score": "15", f"i{second.pk}-weight": "abc"}
        )
        response = self.client_for(self.assessor).post(self.url("table_save"), data)
        self.assertContains(response, "未保存")
        first.refresh_from_db()
        self.assertEqual(first.declared_score, Decimal(20))

    def test_it_detects_a_concurrent_edit(self):
        ind = self.project.indicators.first()
        stale = table_post(self.project, **{f"i{ind.pk}-declared_score": "18"})
        services.indicator_update(actor=self.office, indicator=ind, declared_score=Decimal(19))
        response = self.client_for(self.assessor).post(self.url("table_save"), stale, follow=True)
        self.assertContains(response, "已被他人修改")
        ind.refresh_from_db()
        self.assertEqual(ind.declared_score, Decimal(19))

    def test_it_adds_and_deletes_rows(self):
        client = self.client_for(self.assessor)
        response = client.post(self.url("table_save"), table_post(self.project, add_row="满意度指标"))
        created = self.project.indicators.order_by("-pk").first()
        self.assertEqual(created.level1, "满意度指标")
        self.assertRedirects(response, f"{self.detail}#row-{created.pk}")
        client.post(self.url("table_save"), table_post(self.project, delete_row=str(created.pk)))
        self.assertFalse(Indicator.objects.filter(pk=created.pk).exists())
        self.assertIn("performance.indicator.deleted", self.audit_actions())

    def test_it_is_denied_to_others(self):
        for name in ("stranger", "assessor_b", "auditadmin"):
            response = self.client_for(getattr(self, name)).post(
                self.url("table_save"), table_post(self.project)
            )
            self.assertEqual(response.status_code, 404, name)


class ProjectCreateEditViewTestCase(PerformanceViewTestCase):
    def form(self, **overrides):
        data = {
            "year": "2024",
            "name": "法治宣传",
            "implementing_unit": "",
            "funding_source": "当年财政拨款",
            "budget_initial": "100,000",
            "budget_adjusted": "100000",
            "budget_executed": "",
            "rule_set": "cz2020",
        }
        data.update(overrides)
        return data

    def test_it_lets_the_office_create_for_any_department(self):
        response = self.client_for(self.office).post(
            reverse("performance:project_create"), self.form(org=str(self.gaj.pk))
        )
        project = BudgetProject.objects.get(name="法治宣传")
        self.assertRedirects(response, reverse("performance:project_detail", args=[project.pk]))
        self.assertEqual((project.org, project.budget_initial), (self.gaj, Decimal(100000)))

    def test_it_lets_a_department_create_only_for_itself(self):
        client = self.client_for(self.assessor)
        response = client.post(reverse("performance:project_create"), self.form(org=str(self.gaj.pk)))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(BudgetProject.objects.filter(name="法治宣传").exists())
        client.post(reverse("performance:project_create"), self.form(org=str(self.sfj.pk)))
        self.assertTrue(BudgetProject.objects.filter(name="法治宣传", org=self.sfj).exists())

    def test_it_refuses_negative_budgets_and_duplicates(self):
        client = self.client_for(self.office)
        response = client.post(
            reverse("performance:project_create"), self.form(org=str(self.sfj.pk), budget_adjusted="-5")
        )
        self.assertContains(response, "不能为负数")
        response = client.post(
            reverse("performance:project_create"),
            self.form(org=str(self.sfj.pk), name="全面依法治市", year="2023"),
        )
        self.assertContains(response, "已有同名项目")

    def test_it_refuses_the_three_admins(self):
        self.assertEqual(
            self.client_for(self.sysadmin).get(reverse("performance:project_create")).status_code, 403
        )

    def test_it_edits_the_narrative(self):
        client = self.client_for(self.assessor)
        form = client.get(self.url("project_edit")).context["form"]
        data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
        data.update(practices="（一）关于统筹开展法治建设考评的有关工作", version=str(self.project.version))
        response = client.post(self.url("project_edit"), data)
        self.assertRedirects(response, self.detail)
        self.project.refresh_from_db()
        self.assertIn("统筹开展", self.project.practices)

    def test_it_does_not_let_others_edit(self):
        self.assertEqual(self.client_for(self.stranger).get(self.url("project_edit")).status_code, 404)
        services.project_submit(actor=self.assessor, project=self.project)
        self.assertEqual(self.client_for(self.assessor).get(self.url("project_edit")).status_code, 403)


class ImportViewTestCase(PerformanceViewTestCase):
    def upload(self, data, name="自评表.xlsx"):
        return io.BytesIO(data), name

    def xlsx(self, **overrides):
        ev = seed_evaluation(**overrides)
        return write_table(ev, score_evaluation(ev))

    def post(self, user, url, content, name="自评表.xlsx", **extra):
        f = io.BytesIO(content)
        f.name = name
        return self.client_for(user).post(url, {"file": f, **extra})

    def test_it_replaces_the_table_of_a_draft(self):
        ev = seed_evaluation(budget_executed=Decimal(600000))
        response = self.post(self.assessor, self.url("project_import"), write_table(ev))
        self.assertRedirects(response, self.detail)
        self.project.refresh_from_db()
        self.assertEqual(self.project.budget_executed, Decimal(600000))
        self.assertEqual(self.project.indicators.count(), 5)
        self.assertIn("performance.project.imported", self.audit_actions())

    def test_it_lists_every_problem_and_changes_nothing(self):
        ev = seed_evaluation(budget_executed=None)
        ev.indicators[0].weight = Decimal(-1)
        response = self.post(self.assessor, self.url("project_import"), write_table(ev))
        self.assertContains(response, "未导入任何数据")
        self.assertContains(response, "全年执行数未填写")
        self.assertContains(response, "<td>6</td><td>F</td>", html=False)
        self.project.refresh_from_db()
        self.assertEqual(self.project.budget_executed, Decimal(349845))

    def test_it_rejects_junk_with_a_message(self):
        response = self.post(self.assessor, self.url("project_import"), b"not an excel file" * 1000)
        self.assertContains(response, "不是 Excel")

    def test_it_creates_a_project_from_a_table(self):
        ev = seed_evaluation(project="普法宣传", year=2024)
        response = self.post(
            self.office, reverse("performance:project_import_new"), write_table(ev), org=str(self.gaj.pk)
        )
        project = BudgetProject.objects.get(name="普法宣传")
        self.assertRedirects(response, reverse("performance:project_detail", args=[project.pk]))
        self.assertEqual((project.org, project.year, project.indicators.count()), (self.gaj, 2024, 5))

    def test_it_is_denied_to_others(self):
        response = self.post(self.stranger, self.url("project_import"), self.xlsx())
        self.assertEqual(response.status_code, 404)


class DownloadViewTestCase(PerformanceViewTestCase):
    def test_it_exports_the_table_and_audits_it(self):
        response = self.client_for(self.assessor).get(self.url("export_xlsx"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("filename*=UTF-8''", response["Content-Disposition"])
        from performance.standard_table import read_table

        ev, _ = read_table(response.content)
        self.assertEqual(ev.budget_executed, Decimal(349845))
        self.assertEqual(self.audit_actions()[-1], "performance.project.exported")

    def test_it_writes_the_report_with_figures_from_the_data(self):
        response = self.client_for(self.office).get(self.url("report_docx"))
        self.assertEqual(response.status_code, 200)
        document = docx.Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        for part in (
            "2023年度部门预算安排财政资金698,000元",
            "全年度实际支出349,845元",
            "50.12%",
            "自评得分为97分",
            "六、项目自评结论及得分",
        ):
            self.assertIn(part, text)
        entry = AuditEntry.objects.order_by("-seq").first()
        self.assertEqual((entry.action, entry.data), ("performance.project.exported", {"format": "docx"}))

    def test_it_writes_the_report_as_pdf(self):
        response = self.client_for(self.assessor).get(self.url("report_pdf"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_it_is_not_found_for_others(self):
        for name in ("stranger", "assessor_b", "auditadmin"):
            client = self.client_for(getattr(self, name))
            for view in ("export_xlsx", "report_docx", "report_pdf"):
                self.assertEqual(client.get(self.url(view)).status_code, 404, (name, view))


class WorkflowViewTestCase(PerformanceViewTestCase):
    def test_it_freezes_live_values_on_submission(self):
        project = make_project(self.sfj, name="实时项目", live=True)
        response = self.client_for(self.assessor).post(
            reverse("performance:project_submit", args=[project.pk])
        )
        self.assertEqual(response.status_code, 302)
        project.refresh_from_db()
        self.assertEqual(project.status, ProjectStatus.SUBMITTED)
        bound = project.indicators.get(live_metric="accounts.expert_accounts")
        self.assertEqual(bound.frozen_value, "1人")
        self.client_for(self.office)  # a new expert after submission does not change the frozen value
        from fazhi.testing import make_user

        make_user("expert02", self.pool_org, "expert")
        page = self.client_for(self.assessor).get(reverse("performance:project_detail", args=[project.pk]))
        self.assertContains(page, "已冻结 1人")
        entry = AuditEntry.objects.filter(action="performance.project.submitted").get()
        self.assertEqual(entry.data["frozen"], {"依法治市咨询专家库专家人数": "1人"})

    def test_it_lets_only_the_office_reopen(self):
        services.project_submit(actor=self.assessor, project=self.project)
        response = self.client_for(self.assessor).post(self.url("project_reopen"))
        self.assertEqual(response.status_code, 403)
        self.client_for(self.office).post(self.url("project_reopen"))
        self.project.refresh_from_db()
        self.assertTrue(self.project.is_draft)

    def test_it_does_not_let_others_submit(self):
        for name in ("stranger", "assessor_b"):
            self.assertEqual(
                self.client_for(getattr(self, name)).post(self.url("project_submit")).status_code, 404
            )
        self.project.refresh_from_db()
        self.assertTrue(self.project.is_draft)

    def test_it_lets_the_office_delete_a_draft(self):
        self.assertEqual(self.client_for(self.assessor).post(self.url("project_delete")).status_code, 403)
        response = self.client_for(self.office).post(self.url("project_delete"))
        self.assertRedirects(response, reverse("performance:project_list"))
        self.assertFalse(BudgetProject.objects.filter(pk=self.project.pk).exists())


class NavigationTestCase(PerformanceViewTestCase):
    def test_it_shows_the_nav_item_to_the_office_and_owning_departments(self):
        home = reverse("workbench:home")
        self.assertContains(self.client_for(self.office).get(home), "绩效自评")
        self.assertContains(self.client_for(self.assessor).get(home), "绩效自评")
        self.assertNotContains(self.client_for(self.assessor_b).get(home), ">绩效自评<")
        self.assertNotContains(self.client_for(self.auditadmin).get(home), ">绩效自评<")

    def test_it_lists_drafts_with_findings_as_todos(self):
        response = self.client_for(self.assessor).get(reverse("workbench:home"))
        self.assertContains(response, "与评分规则不符")
        self.assertNotContains(
            self.client_for(self.stranger).get(reverse("workbench:home")), "与评分规则不符"
        )
