"""The tracker's pages through the test client: who sees what, each step from the
page, bad input answered in Chinese with nothing changed, list query counts."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audit.models import AuditEntry
from problems.models import Problem
from problems.tests.base import ProblemsTestCase, days


class VisibilityTestCase(ProblemsTestCase):
    def setUp(self):
        self.own = self.walk(self.register(title="蓬江区的问题"), "assign")
        self.other = self.walk(self.register(org=self.stranger_org, title="江海区的问题"), "assign")
        self.unassigned = self.register(title="尚未交办的问题")

    def test_it_shows_a_unit_its_own_assigned_problems_and_the_office_all(self):
        url = reverse("problems:list")
        office = self.client_for(self.office).get(url)
        for title in ("蓬江区的问题", "江海区的问题", "尚未交办的问题"):
            self.assertContains(office, title)
        county = self.client_for(self.county).get(url)
        self.assertContains(county, "蓬江区的问题")
        self.assertNotContains(county, "江海区的问题")
        self.assertNotContains(county, "尚未交办的问题")
        self.assertNotContains(self.client_for(self.assessor).get(url), "蓬江区的问题")
        for user in (self.expert, self.sysadmin, self.auditadmin):
            self.assertEqual(self.client_for(user).get(url).status_code, 404)

    def test_it_answers_404_for_anothers_problem_and_its_steps(self):
        for user in (self.stranger, self.assessor, self.expert, self.sysadmin):
            client = self.client_for(user)
            self.assertEqual(client.get(reverse("problems:detail", args=[self.own.pk])).status_code, 404)
            response = client.post(reverse("problems:act", args=[self.own.pk, "sign"]))
            self.assertEqual(response.status_code, 404)
        self.own.refresh_from_db()
        self.assertEqual(self.own.state, "assigned")
        self.assertEqual(
            self.client_for(self.county)
            .get(reverse("problems:detail", args=[self.unassigned.pk]))
            .status_code,
            404,
        )

    def test_it_lists_in_a_constant_number_of_queries(self):
        client = self.client_for(self.office)
        url = reverse("problems:list")
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for n in range(15):
            self.walk(
                self.register(
                    org=self.gaj, title=f"公安局问题{n}", campaign=self.campaign, category="执法不规范"
                ),
                "assign",
            )
        with self.assertNumQueries(len(few)):
            client.get(url)

    def test_it_filters_the_list_and_exports_what_it_shows(self):
        client = self.client_for(self.office)
        response = client.get(reverse("problems:list"), {"state": "registered"})
        self.assertContains(response, "尚未交办的问题")
        self.assertNotContains(response, "蓬江区的问题")
        number = client.get(reverse("problems:list"), {"q": self.other.number})
        self.assertContains(number, "江海区的问题")
        self.assertNotContains(number, "蓬江区的问题")
        export = self.client_for(self.county).get(reverse("problems:export"))
        sheet = load_workbook(io.BytesIO(export.content)).active
        titles = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(titles, ["蓬江区的问题"])
        self.assertTrue(AuditEntry.objects.filter(action="problems.problem.exported").exists())


class StepsTestCase(ProblemsTestCase):
    def test_it_lets_each_party_take_its_steps_from_the_page(self):
        problem = self.register()
        office, county = self.client_for(self.office), self.client_for(self.county)
        act = lambda action: reverse("problems:act", args=[problem.pk, action])  # noqa: E731
        response = office.post(
            act("assign"), {"org": self.county_org.pk, "deadline": days(30), "note": "请核查"}
        )
        self.assertRedirects(response, reverse("problems:detail", args=[problem.pk]))
        page = county.get(reverse("problems:detail", args=[problem.pk]))
        self.assertContains(page, 'id="step-sign"')
        self.assertContains(page, 'id="step-return"')
        self.assertNotContains(page, 'id="step-accept"')
        self.assertEqual(county.post(act("sign")).status_code, 302)
        self.assertEqual(county.post(act("rectify_now"), {"note": "已立行立改"}).status_code, 302)
        self.assertEqual(office.post(act("accept"), {"note": "验收通过"}).status_code, 302)
        self.assertEqual(office.post(act("close")).status_code, 302)
        problem.refresh_from_db()
        self.assertEqual(problem.state, "closed")
        history = county.get(reverse("problems:detail", args=[problem.pk]))
        for text in ("登记", "交办", "签收", "立行立改", "验收通过", "销号", "已立行立改"):
            self.assertContains(history, text)

    def test_it_answers_a_step_out_of_order_or_by_the_wrong_party_in_chinese_and_changes_nothing(self):
        problem = self.walk(self.register(), "assign")
        office = self.client_for(self.office)
        out_of_order = office.post(reverse("problems:act", args=[problem.pk, "close"]))
        self.assertContains(out_of_order, "该问题当前为「已交办」，不能「销号」", status_code=409)
        wrong_party = office.post(reverse("problems:act", args=[problem.pk, "sign"]))
        self.assertEqual(wrong_party.status_code, 403)
        no_reason = self.client_for(self.county).post(
            reverse("problems:act", args=[problem.pk, "return"]), {"note": ""}
        )
        self.assertContains(no_reason, "请填写退回理由", status_code=400)
        past = office.post(
            reverse("problems:act", args=[self.register(title="新问题").pk, "assign"]),
            {"org": self.county_org.pk, "deadline": days(-2)},
        )
        self.assertContains(past, "早于问题的登记日期", status_code=400)
        problem.refresh_from_db()
        self.assertEqual(problem.state, "assigned")
        self.assertEqual(Problem.objects.filter(state="assigned").count(), 1)

    def test_it_handles_extensions_and_supervision_from_the_page(self):
        problem = self.walk(self.register(), "assign", "sign")
        county, office = self.client_for(self.county), self.client_for(self.office)
        asked = county.post(
            reverse("problems:extension_request", args=[problem.pk]),
            {"requested_deadline": days(50), "reason": "需协调交通部门"},
        )
        self.assertEqual(asked.status_code, 302)
        extension = problem.extensions.get()
        self.assertEqual(
            county.post(
                reverse("problems:extension_decide", args=[problem.pk, extension.pk]), {"decision": "grant"}
            ).status_code,
            403,
        )
        refused = office.post(
            reverse("problems:extension_decide", args=[problem.pk, extension.pk]), {"decision": "refuse"}
        )
        self.assertContains(refused, "请填写审批意见", status_code=400)
        office.post(
            reverse("problems:extension_decide", args=[problem.pk, extension.pk]), {"decision": "grant"}
        )
        problem.refresh_from_db()
        self.assertEqual(problem.deadline, days(50))
        self.assertEqual(
            county.post(reverse("problems:supervise", args=[problem.pk]), {"on": "1"}).status_code, 403
        )
        office.post(reverse("problems:supervise", args=[problem.pk]), {"on": "1", "note": "挂牌督办"})
        problem.refresh_from_db()
        self.assertTrue(problem.supervised)

    def test_it_shows_each_party_its_todos(self):
        self.walk(self.register(), "assign")
        self.register(org=self.stranger_org, title="待交办")
        self.assertContains(self.client_for(self.county).get(reverse("workbench:home")), "1 条问题待签收")
        office = self.client_for(self.office).get(reverse("workbench:home"))
        self.assertContains(office, "1 条问题线索待交办")
        self.assertNotContains(self.client_for(self.stranger).get(reverse("workbench:home")), "问题待签收")


class RegisterPageTestCase(ProblemsTestCase):
    def test_it_registers_from_the_page_and_points_out_a_likely_duplicate(self):
        first = self.register(title="大江镇路段交警逐利执法乱罚款")
        client = self.client_for(self.office)
        live = client.get(
            reverse("problems:duplicates"),
            {"org": self.county_org.pk, "title": "大江镇路段交警乱罚款逐利执法"},
        )
        self.assertContains(live, first.number)
        response = client.post(
            reverse("problems:register"),
            {
                "source": "public_report",
                "title": "大江镇路段交警乱罚款逐利执法",
                "org": self.county_org.pk,
                "severity": "normal",
            },
            follow=True,
        )
        self.assertContains(response, "可能重复")
        self.assertContains(response, first.number)
        self.assertEqual(Problem.objects.count(), 2)

    def test_it_refuses_bad_input_with_a_message_and_registers_nothing(self):
        client = self.client_for(self.office)
        response = client.post(
            reverse("problems:register"),
            {
                "source": "campaign",
                "campaign": self.campaign.pk,
                "category": "乱收费",
                "title": "x",
                "org": self.county_org.pk,
                "severity": "normal",
            },
        )
        self.assertContains(response, "问题类别只有", status_code=400)
        self.assertEqual(self.client_for(self.county).get(reverse("problems:register")).status_code, 404)
        self.assertFalse(Problem.objects.exists())


def workbook(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["2023年道交专项整治问题线索"])
    ws.append(
        header
        or [
            "问题标题",
            "问题描述",
            "责任单位",
            "问题类别",
            "来源",
            "严重程度",
            "登记日期",
            "办理期限",
            "挂牌督办",
        ]
    )
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class ImportTestCase(ProblemsTestCase):
    def post(self, content: bytes, follow: bool = False, **data: object):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("线索.xlsx", content)
        return self.client_for(self.office).post(
            reverse("problems:import"), {"file": upload, "source": "hotline", **data}, follow=follow
        )

    def test_it_imports_every_good_row_and_warns_of_likely_duplicates(self):
        self.register(title="某交警中队违规设卡查车")
        content = workbook(
            [
                [
                    "某交警中队违规设卡 查车",
                    "群众反映",
                    "蓬江区",
                    "逐利执法",
                    "",
                    "较重",
                    "",
                    days(20).isoformat(),
                    "是",
                ],
                ["货车检测站执法不规范", "", "440700-GAJ", "执法不规范", "12345", "", "", "", "否"],
            ]
        )
        response = self.post(content, campaign=self.campaign.pk, follow=True)
        self.assertContains(response, "已导入 2 条问题线索")
        self.assertContains(response, "可能重复")
        created = Problem.objects.filter(campaign=self.campaign).order_by("pk")
        self.assertEqual(
            [(p.org, p.source, p.severity, p.supervised) for p in created],
            [(self.county_org, "campaign", "serious", True), (self.gaj, "hotline", "normal", False)],
        )

    def test_it_imports_nothing_when_a_row_is_bad_and_names_each_row_and_column(self):
        content = workbook(
            [
                ["好的一行", "", "蓬江区", "逐利执法", "", "", "", "", ""],
                ["", "", "蓬江区", "逐利执法", "", "", "", "", ""],
                ["单位不存在", "", "火星区", "逐利执法", "", "", "", "", ""],
                ["期限早于登记", "", "蓬江区", "执法不规范", "", "", "2023-05-10", "2023-05-01", ""],
                ["类别不对", "", "蓬江区", "乱收费", "", "", "", "", "也许"],
            ]
        )
        response = self.post(content, campaign=self.campaign.pk)
        self.assertEqual(response.status_code, 400)
        for message in (
            "第 4 行「问题标题」：不能为空",
            "第 5 行「责任单位」：找不到单位「火星区」",
            "第 6 行「办理期限」：办理期限 2023-05-01 早于登记日期 2023-05-10",
            "第 7 行「挂牌督办」：「也许」应为「是」或「否」",
        ):
            self.assertContains(response, message, status_code=400)
        self.assertFalse(Problem.objects.exists())

    def test_it_refuses_a_file_that_is_not_a_workbook(self):
        response = self.post(b"PK\x03\x04 not really a zip")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "文件未导入", status_code=400)
        self.assertFalse(Problem.objects.exists())
        self.assertEqual(
            self.client_for(self.office).get(reverse("problems:import_template")).status_code, 200
        )
