"""历年考评结果（导入）: past years from xlsx, all or nothing, audited, and
shown by the year-over-year views next to the years the system published."""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.frameworks_xlsx import ImportFailed
from assessments.models import ImportedResult
from assessments.selectors import trends
from assessments.services import history
from assessments.services import publication as publication_services
from assessments.tests.fixtures import ResultsTestCase, xlsx
from audit.models import AuditEntry

HEADERS = history.HEADERS


def good_rows() -> list[list]:
    return [
        [2021, "440703", "蓬江区", 91.5, "优秀", 1],
        [2021, "", "江海区", "86", "良好", "第2名"],
        ["2020年", "440703", "", 80, "良好", 2],
        [2020, "440704", "", 88.25, "良好", 1],
    ]


class HistoryParseTestCase(ResultsTestCase):
    def test_it_reads_codes_or_names_and_the_usual_forms(self):
        rows = history.parse_history(xlsx(good_rows(), HEADERS))
        self.assertEqual(
            [(r.year, r.target.code, r.total, r.grade, r.rank) for r in rows],
            [
                (2021, "440703", D("91.50"), "优秀", 1),
                (2021, "440704", D("86"), "良好", 2),
                (2020, "440703", D("80.00"), "良好", 2),
                (2020, "440704", D("88.25"), "良好", 1),
            ],
        )

    def test_it_names_every_bad_cell_by_row_and_column_and_saves_nothing(self):
        content = xlsx(
            [
                [2021, "440703", "", 91.5, "优秀", 1],
                [1999, "440704", "", "九十", "", 0],
                [2021, "999999", "", 80, "良好", 3],
                [2021, "蓬江区", "", 70, "一般", 4],
            ],
            HEADERS,
        )
        with self.assertRaises(ImportFailed) as caught:
            history.parse_history(content)
        messages = [str(e) for e in caught.exception.errors]
        self.assertIn("第 3 行，A 列「年度」：年度「1999」无效，须为 2000 至", messages[0])
        self.assertIn("第 3 行，D 列「总分」：总分「九十」不是数字。", messages)
        self.assertIn("第 3 行，E 列「等次」：缺少等次。", messages)
        self.assertIn("第 3 行，F 列「名次」：名次「0」须为正整数。", messages)
        self.assertIn(
            "第 4 行，B 列「单位代码」：「999999」不是被考评单位（可填写机构代码、全称或简称）。", messages
        )
        self.assertIn("第 5 行，B 列「单位代码」：蓬江区 2021 年度与第 2 行重复。", messages)
        self.assertFalse(ImportedResult.objects.exists())

    def test_it_asks_for_the_columns(self):
        with self.assertRaises(ImportFailed) as caught:
            history.parse_history(xlsx([[2021, "x"]], ["年度", "备注"]))
        self.assertEqual(
            [str(e) for e in caught.exception.errors],
            [
                "第 1 行，「总分」：表头缺少该列。",
                "第 1 行，「等次」：表头缺少该列。",
                "第 1 行，「名次」：表头缺少该列。",
                "第 1 行，「单位代码」：表头须包含「单位代码」或「单位名称」列。",
            ],
        )

    def test_it_refuses_a_year_the_system_published(self):
        publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        with self.assertRaises(ImportFailed) as caught:
            history.parse_history(xlsx([[2023, "440703", "", 90, "优秀", 1]], HEADERS))
        self.assertEqual(
            str(caught.exception.errors[0]),
            "第 2 行，A 列「年度」：2023 年度的考评结果已在本系统公布，不能用导入覆盖。",
        )


class HistoryImportTestCase(ResultsTestCase):
    def test_it_saves_marks_the_source_and_audits(self):
        counts = history.history_import(
            actor=self.office,
            rows=history.parse_history(xlsx(good_rows(), HEADERS)),
            source="2020-2021通报.xlsx",
        )
        self.assertEqual(counts, {2020: 2, 2021: 2})
        self.assertEqual(set(ImportedResult.objects.values_list("source", flat=True)), {"2020-2021通报.xlsx"})
        entry = AuditEntry.objects.get(action="assessments.history.imported")
        self.assertEqual(entry.after["2021"], [["440703", "91.50", "优秀", 1], ["440704", "86", "良好", 2]])
        self.assertEqual(entry.data["rows"], 4)

    def test_it_replaces_a_year_imported_again_and_keeps_the_others(self):
        history.history_import(
            actor=self.office, rows=history.parse_history(xlsx(good_rows(), HEADERS)), source="a"
        )
        rows = history.parse_history(xlsx([[2021, "440704", "", 95, "优秀", 1]], HEADERS))
        history.history_import(actor=self.office, rows=rows, source="b")
        self.assertEqual(
            sorted(ImportedResult.objects.values_list("year", "target__code", "source")),
            [(2020, "440703", "a"), (2020, "440704", "a"), (2021, "440704", "b")],
        )
        entry = AuditEntry.objects.filter(action="assessments.history.imported").order_by("-seq").first()
        self.assertEqual(
            entry.before, {"2021": [["440703", "91.50", "优秀", 1], ["440704", "86.00", "良好", 2]]}
        )

    def test_it_lets_only_the_office_import(self):
        rows = history.parse_history(xlsx(good_rows(), HEADERS))
        for actor in (self.county, self.assessor, self.stranger):
            with self.assertRaises(PermissionDenied):
                history.history_import(actor=actor, rows=rows, source="x")


class HistoryTrendTestCase(ResultsTestCase):
    def setUp(self) -> None:
        publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        history.history_import(
            actor=self.office, rows=history.parse_history(xlsx(good_rows(), HEADERS)), source="a"
        )

    def test_it_starts_the_trend_with_the_imported_years(self):
        trend = trends.target_trend("440703")
        self.assertEqual(trend.years, [2020, 2021, 2023])
        self.assertEqual(
            trends.total_table(trend)[1],
            [
                [2020, 80.0, 2, 2, "良好", "导入"],
                [2021, 91.5, 1, 2, "优秀", "导入"],
                [2023, 98.0, 1, 2, "优秀", "本系统公布"],
            ],
        )
        # imported years carry no section or indicator scores
        self.assertEqual([s.values.get(2020) for s in trend.sections], [None, None])

    def test_it_shows_the_import_on_the_page_chart_and_xlsx(self):
        client = self.client_for(self.county)
        response = client.get(reverse("assessments:trends"))
        self.assertContains(response, '<span class="badge text-bg-secondary">导入</span>', count=2)
        chart = client.get(reverse("assessments:trends_chart", args=["total"])).json()
        self.assertEqual(chart["xAxis"]["data"], ["2020", "2021", "2023"])
        self.assertEqual(chart["series"][0]["data"], [80.0, 91.5, 98.0])
        content = client.get(reverse("assessments:trends_xlsx", args=["total"])).content
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[1], (2020, 80, 2, 2, "良好", "导入"))


class HistoryPageTestCase(ResultsTestCase):
    def test_it_imports_on_the_page_and_reports_bad_rows_without_saving(self):
        url = reverse("assessments:history_import")
        client = self.client_for(self.office)
        bad = SimpleUploadedFile("历年.xlsx", xlsx([[2021, "440703", "", "x", "优秀", 1]], HEADERS))
        response = client.post(url, {"file": bad})
        self.assertContains(response, "第 2 行，D 列「总分」：总分「x」不是数字。", status_code=400)
        self.assertFalse(ImportedResult.objects.exists())
        good = SimpleUploadedFile("历年.xlsx", xlsx(good_rows(), HEADERS))
        response = client.post(url, {"file": good}, follow=True)
        self.assertContains(response, "已导入：2020 年度 2 个单位、2021 年度 2 个单位。")
        self.assertContains(response, "历年.xlsx")

    def test_it_denies_everyone_but_the_office(self):
        url = reverse("assessments:history_import")
        for user in (self.county, self.stranger, self.assessor, self.expert):
            self.assertEqual(self.client_for(user).get(url).status_code, 403)
