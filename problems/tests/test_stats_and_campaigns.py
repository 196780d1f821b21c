"""The statistics page (charts drill down to the list, each table exportable) and
the 专项整治 pages with the summary report built from the data."""

from __future__ import annotations

import io

import docx
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from problems.models import Problem
from problems.tests.base import ProblemsTestCase


class StatsPageTestCase(ProblemsTestCase):
    def setUp(self):
        self.walk(
            self.register(title="甲", campaign=self.campaign, category="逐利执法"),
            "assign",
            "sign",
            "rectify_now",
            "accept",
            "close",
        )
        self.walk(self.register(org=self.stranger_org, title="乙"), "assign")

    def test_it_shows_the_counts_with_charts_that_lead_to_the_list(self):
        page = self.client_for(self.office).get(reverse("problems:stats"))
        self.assertContains(page, 'id="stat-total">2<')
        self.assertContains(page, 'id="stat-closure">50.0%<')
        chart = self.client_for(self.office).get(reverse("problems:stats_chart", args=["unit"])).json()
        urls = [d["url"] for d in chart["series"][0]["data"]]
        self.assertEqual(
            urls, [f"/problems/?org={self.county_org.pk}", f"/problems/?org={self.stranger_org.pk}"]
        )
        state = self.client_for(self.office).get(reverse("problems:stats_chart", args=["state"])).json()
        closed = next(d for d in state["series"][0]["data"] if d["url"].endswith("state=closed"))
        self.assertEqual(closed["value"], 1)
        self.assertEqual(
            self.client_for(self.office).get(reverse("problems:stats_chart", args=["nope"])).status_code, 404
        )

    def test_it_exports_each_table_and_counts_only_a_units_own(self):
        content = self.client_for(self.county).get(reverse("problems:stats_xlsx", args=["unit"])).content
        rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[0], ("责任单位", "问题数", "未办结", "逾期", "已销号", "销号率"))
        self.assertEqual(rows[1:], [("蓬江区", 1, 0, 0, 1, "100.0%")])
        self.assertTrue(AuditEntry.objects.filter(action="problems.stats.exported").exists())
        self.assertEqual(self.client_for(self.expert).get(reverse("problems:stats")).status_code, 404)


class CampaignPagesTestCase(ProblemsTestCase):
    def test_it_shows_a_campaign_with_its_categories_and_measures(self):
        self.walk(self.register(title="甲", campaign=self.campaign, category="逐利执法"), "assign")
        client = self.client_for(self.office)
        response = client.post(
            reverse("problems:measure_create", args=[self.campaign.pk]),
            {"title": "驾驶证业务“一证通办”", "org": self.gaj.pk, "benefit": "惠及群众 1.2 万人次"},
        )
        self.assertEqual(response.status_code, 302)
        page = client.get(reverse("problems:campaign_detail", args=[self.campaign.pk]))
        for text in ("逐利执法", "执法方式简单僵化", "驾驶证业务“一证通办”", "惠及群众 1.2 万人次"):
            self.assertContains(page, text)
        self.assertEqual(
            self.client_for(self.county)
            .get(reverse("problems:campaign_detail", args=[self.campaign.pk]))
            .status_code,
            200,
        )
        self.assertEqual(
            self.client_for(self.stranger)
            .get(reverse("problems:campaign_detail", args=[self.campaign.pk]))
            .status_code,
            404,
        )
        self.assertEqual(self.client_for(self.county).get(reverse("problems:campaign_list")).status_code, 404)

    def test_it_writes_the_summary_report_with_figures_from_the_data(self):
        self.walk(
            self.register(title="甲", campaign=self.campaign, category="逐利执法"),
            "assign",
            "sign",
            "rectify_now",
            "accept",
            "close",
        )
        self.walk(self.register(title="乙", campaign=self.campaign, category="逐利执法"), "assign")
        self.walk(
            self.register(org=self.gaj, title="丙", campaign=self.campaign, category="执法不规范"),
            "assign",
            "sign",
            "verify",
            "plan",
        )
        response = self.client_for(self.office).get(
            reverse("problems:campaign_report", args=[self.campaign.pk])
        )
        document = docx.Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("共登记问题线索 3 条（撤销 0 条），已销号 1 条，销号率 33.3%；其中立行立改 1 条", text)
        table = document.tables[0]
        cells = [[c.text for c in row.cells] for row in table.rows]
        self.assertEqual(cells[1], ["逐利执法", "2", "1", "1", "1", "50.0%"])
        self.assertEqual(cells[-1], ["合计", "3", "1", "2", "1", "33.3%"])
        self.assertTrue(AuditEntry.objects.filter(action="problems.campaign.report_exported").exists())

    def test_it_refuses_a_campaign_without_categories_or_ending_before_it_starts(self):
        client = self.client_for(self.office)
        response = client.post(
            reverse("problems:campaign_create"),
            {
                "name": "新专项",
                "year": 2024,
                "start_date": "2024-05-01",
                "end_date": "2024-04-01",
                "categories": "  ",
            },
        )
        self.assertEqual(response.status_code, 400)
        response = client.post(
            reverse("problems:campaign_create"),
            {
                "name": "新专项",
                "year": 2024,
                "start_date": "2024-05-01",
                "end_date": "2024-04-01",
                "categories": "乱收费",
            },
        )
        self.assertContains(response, "结束日期不能早于开始日期", status_code=400)
        edit = client.post(
            reverse("problems:campaign_edit", args=[self.campaign.pk]),
            {
                "name": self.campaign.name,
                "year": 2023,
                "start_date": "2023-04-01",
                "end_date": "2023-12-31",
                "categories": "逐利执法",
            },
        )
        self.assertEqual(edit.status_code, 302)
        self.register(title="x", campaign=self.campaign, category="逐利执法")
        dropped = client.post(
            reverse("problems:campaign_edit", args=[self.campaign.pk]),
            {
                "name": self.campaign.name,
                "year": 2023,
                "start_date": "2023-04-01",
                "end_date": "2023-12-31",
                "categories": "执法不规范",
            },
        )
        self.assertContains(dropped, "已有问题线索使用，不能删除：逐利执法", status_code=400)
        self.assertEqual(Problem.objects.count(), 1)
