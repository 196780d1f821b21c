"""导入考评办法（xlsx/docx）: upload → the parsed tree with sources and findings →
corrections → a saved draft; nothing kept from a table with errors; office only."""

from __future__ import annotations

from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Framework, Indicator, Rule, RuleKind, Section
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


class FrameworkTableCorrectionsTestCase(BaseTestCase):
    """#9's gaps in the preview: a section's kind, 计入总分 and 测评满分 and an
    indicator's 负面清单 flag are corrected on the page; the findings are checked
    again on the corrected tree and shown before anything new is saved."""

    def preview(self) -> tuple[str, dict[str, object]]:
        self.client.force_login(self.office)
        url = self.client.post(URL, {"file": upload(three_levels())})["Location"]
        form = self.client.get(url).context["form"]
        data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
        data["year"] = "2025"
        return url, data

    def test_it_offers_the_section_kind_and_the_negative_list_flag_as_parsed(self):
        url, data = self.preview()
        self.assertEqual(
            [data[f"s{n}_kind"] for n in range(4)], ["standard", "standard", "standard", "bonus"]
        )
        self.assertEqual(data["i2_0_0_overflow"], True)  # 三、负面清单
        self.assertEqual(data["i0_0_0_overflow"], False)
        self.assertContains(self.client.get(url), "按修改重新核对")

    def test_it_saves_the_corrected_kinds_scale_in_total_and_overflow(self):
        url, data = self.preview()
        data.update(
            {
                "s1_kind": "survey",
                "s1_survey_scale": "100",
                "s3_in_total": False,
                "i0_0_0_overflow": True,
                "i2_0_0_overflow": False,
                "action": "save",
            }
        )
        response = self.client.post(url, data)
        framework = Framework.objects.get()
        self.assertRedirects(response, reverse("assessments:framework_detail", args=[framework.pk]))
        sections = list(Section.objects.filter(framework=framework).order_by("order"))
        self.assertEqual(
            [(s.kind, s.in_total, s.survey_scale) for s in sections],
            [
                ("standard", True, None),
                ("survey", True, D(100)),
                ("standard", True, None),
                ("bonus", False, None),
            ],
        )
        overflow = dict(
            Indicator.objects.filter(section__framework=framework).values_list("code", "overflow")
        )
        self.assertEqual((overflow["1.1.1"], overflow["3.1"]), (True, False))

    def test_it_refuses_a_survey_without_its_scale_and_a_standard_section_out_of_the_total(self):
        url, data = self.preview()
        data.update({"s0_kind": "survey", "s0_survey_scale": "", "s1_in_total": False, "action": "save"})
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "板块「法治政府建设」为满意度测评，须填写测评满分（如 100）。")
        self.assertContains(response, "板块「法治社会建设」：只有附加项板块可以不计入总分。")
        self.assertFalse(Framework.objects.exists())

    def test_it_checks_the_corrected_tree_again_without_saving(self):
        url, data = self.preview()
        self.assertContains(self.client.get(url), "永远扣不到 0 分")
        data.update({"r0_0_0_0_cap": "10", "action": "check", "year": ""})  # no year needed to check
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "已按修改后的内容重新核对")
        self.assertNotContains(response, "永远扣不到 0 分")
        self.assertNotContains(response, "invalid-feedback")
        self.assertFalse(Framework.objects.exists())
        # the corrected tree and its findings are what the page shows from now on
        again = self.client.get(url)
        self.assertNotContains(again, "永远扣不到 0 分")
        self.assertEqual(again.context["form"]["r0_0_0_0_cap"].value(), D(10))

    def test_it_does_not_take_a_renamed_indicators_finding_for_a_new_one(self):
        url, data = self.preview()
        data.update({"i0_0_0_name": "重大行政决策合法性审查", "action": "save"})
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Framework.objects.exists())

    def test_it_shows_a_finding_raised_by_a_correction_before_saving(self):
        url, data = self.preview()
        data.update({"s0_points": "70", "action": "save"})
        first = self.client.post(url, data)
        self.assertEqual(first.status_code, 200)
        self.assertContains(first, "出现了 2 个新问题，尚未保存")
        self.assertContains(first, "板块「法治政府建设」分值 70 分，但其下各项之和为 60 分。")
        self.assertFalse(Framework.objects.exists())
        second = self.client.post(url, data)  # seen: the office saves it as it is
        framework = Framework.objects.get()
        self.assertRedirects(second, reverse("assessments:framework_detail", args=[framework.pk]))
        self.assertEqual(Section.objects.get(framework=framework, order=1).points, D(70))
