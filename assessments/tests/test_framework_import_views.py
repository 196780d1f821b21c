"""导入考评办法（xlsx/docx）: upload → the parsed tree with sources and findings →
corrections → a saved draft; nothing kept from a table with errors; office only."""

from __future__ import annotations

from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Framework, Indicator, Rule, RuleKind
from assessments.tests.framework_tables import three_levels, two_levels_docx, xlsx
from fazhi.testing import BaseTestCase

URL = reverse("assessments:framework_table_import")


def upload(content: bytes, name: str = "细则.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class FrameworkTableImportViewTestCase(BaseTestCase):
    def post_file(self, content: bytes, name: str = "细则.xlsx"):
        self.client.force_login(self.office)
        return self.client.post(URL, {"file": upload(content, name)})

    def test_it_shows_the_parsed_tree_with_source_cells_and_findings(self):
        response = self.post_file(three_levels())
        self.assertEqual(response.status_code, 302)
        page = self.client.get(response["Location"])
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn('value="重大决策合法性审查"', html)
        self.assertIn("Sheet1!E4", html)  # the indicator's points cell
        self.assertIn("Sheet1!A4", html)  # the section's name and points
        self.assertIn("永远扣不到 0 分", html)
        self.assertIn('value="2025年度法治建设考评细则"', html)
        self.assertFalse(Framework.objects.exists())

    def test_it_reads_a_word_table(self):
        response = self.post_file(two_levels_docx(), "细则.docx")
        page = self.client.get(response["Location"])
        self.assertIn("表1 第3行第4列", page.content.decode())

    def test_it_saves_nothing_from_a_table_with_errors_and_names_the_cell(self):
        bad = xlsx(
            [["一级指标", "三级指标", "评分标准", "分值"], ["党建", "专题研究", "每次扣1分", "约五分"]]
        )
        response = self.post_file(bad)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("未导入", html)
        self.assertIn("Sheet1!D2（第2行，D列）", html)
        self.assertFalse(Framework.objects.exists())
        self.assertFalse(self.client.session.get("framework_tables"))

    def test_it_saves_the_corrections_without_a_second_upload(self):
        preview = self.post_file(three_levels())["Location"]
        page = self.client.get(preview)
        form = page.context["form"]
        data = {name: form[name].value() for name in form.fields}
        data = {k: ("" if v is None else v) for k, v in data.items()}
        first = next(n for n in form.fields if n.startswith("i0_0_0_name"))
        data[first] = "重大行政决策合法性审查"
        data["r0_0_0_0_kind"] = "discretionary"
        data["r0_0_0_0_points_each"] = ""
        data["r0_0_0_0_cap"] = "3"
        data["year"] = "2025"
        response = self.client.post(preview, data)
        framework = Framework.objects.get()
        self.assertRedirects(response, reverse("assessments:framework_detail", args=[framework.pk]))
        self.assertEqual(framework.name, "2025年度法治建设考评细则")
        indicator = Indicator.objects.get(section__framework=framework, code="1.1.1")
        self.assertEqual(indicator.name, "重大行政决策合法性审查")
        rule = Rule.objects.get(indicator=indicator)
        self.assertEqual((rule.kind, rule.points, rule.max_points), (RuleKind.DISCRETIONARY, D(0), D(3)))
        self.assertEqual(self.client.get(preview).status_code, 404)  # used once

    def test_it_refuses_a_negative_points_correction(self):
        preview = self.post_file(three_levels())["Location"]
        form = self.client.get(preview).context["form"]
        data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
        data.update({"year": "2025", "s0_points": "-1"})
        response = self.client.post(preview, data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Framework.objects.exists())

    def test_it_is_for_the_city_office_only(self):
        for user in (self.county, self.stranger, self.assessor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL, {"file": upload(three_levels())}).status_code, 403)
        self.assertFalse(Framework.objects.exists())

    def test_it_does_not_show_another_sessions_table(self):
        preview = self.post_file(three_levels())["Location"]
        self.client.logout()
        self.client.force_login(self.office)
        self.assertEqual(self.client.get(preview).status_code, 404)

    def test_it_links_the_import_from_the_framework_list(self):
        self.client.force_login(self.office)
        self.assertContains(self.client.get(reverse("assessments:framework_list")), URL)
