"""The gaps of #9 in the framework list, the year-to-year diff and our own xlsx
template: a survey section counts with its points in the list's Σ; the diff
reports a section's points and kind; the template carries a 二级指标's number
and 佐证必传 both ways."""

from __future__ import annotations

from decimal import Decimal as D

from django.urls import reverse

from assessments.framework_diff import framework_diff
from assessments.frameworks_xlsx import HEADERS, export_workbook, parse
from assessments.models import IndicatorGroup, Section
from assessments.selectors import frameworks as framework_selectors
from assessments.services import frameworks as fw
from assessments.tests.fixtures import WorkflowTestCase
from assessments.tests.test_engine_results import build_engine_framework


class FrameworkGapsTestCase(WorkflowTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.engine = build_engine_framework(cls.office, cls.sfj)

    def test_it_counts_a_survey_section_by_its_points_in_the_framework_list(self):
        row = framework_selectors.framework_list().get(pk=self.engine.pk)
        # A 60 + S 20 (its items add to the scale of 100) + B 20; X 附加项 outside the total
        self.assertEqual(row.score_sum, D(100))

    def test_it_reports_a_section_whose_points_or_kind_changed(self):
        old = framework_selectors.framework_structure(self.engine)
        draft = fw.framework_clone(actor=self.office, source=self.engine, year=2026, name="2026年度考评办法")
        Section.objects.filter(framework=draft, code="B").update(points=D(25), kind="bonus")
        diff = framework_diff(old, framework_selectors.framework_structure(draft))
        self.assertEqual(len(diff.sections_changed), 1)
        code, name, changes = diff.sections_changed[0]
        self.assertEqual((code, name), ("B", "负面清单"))
        self.assertEqual(
            [(c.label, c.old, c.new) for c in changes],
            [("板块分值", D(20), D(25)), ("板块类型", "常规板块", "附加项")],
        )

    def test_it_reports_no_section_change_between_equal_frameworks(self):
        structure = framework_selectors.framework_structure(self.engine)
        self.assertEqual(framework_diff(structure, structure).sections_changed, [])

    def test_it_shows_section_changes_on_the_diff_page(self):
        draft = fw.framework_clone(actor=self.office, source=self.engine, year=2026, name="2026年度考评办法")
        Section.objects.filter(framework=draft, code="B").update(points=D(25))
        response = self.client_for(self.office).get(
            reverse("assessments:framework_diff"), {"a": self.engine.pk, "b": draft.pk}
        )
        self.assertContains(response, "板块 B 负面清单：板块分值")

    def test_it_carries_the_group_number_and_evidence_mandatory_through_the_template(self):
        IndicatorGroup.objects.filter(section__framework=self.engine).update(code="（一）")
        structure = framework_selectors.framework_structure(self.engine)
        structure[0]["indicators"][0]["evidence_mandatory"] = True
        content = export_workbook(structure)
        self.assertIn("二级指标编号", HEADERS)
        parsed = parse(content, assessors=[self.sfj], targets=[self.county_org, self.stranger_org])
        section_a = parsed[0]
        self.assertEqual(section_a["groups"], [{"code": "（一）", "name": "依法决策", "points": D(60)}])
        self.assertEqual([i["evidence_mandatory"] for i in section_a["indicators"]], [True, False])
        self.assertEqual([i["group"] for i in section_a["indicators"]], [0, 0])

    def test_it_reads_evidence_mandatory_under_the_header_必须上传(self):
        from assessments.tests.fixtures import xlsx

        content = xlsx(
            [["A", "法治政府", "A1", "决策", 10, "是", "（一）", "依法决策"]],
            ["板块编号", "板块名称", "指标编号", "指标名称", "分值", "必须上传", "二级指标编号", "二级指标"],
        )
        parsed = parse(content, assessors=[self.sfj], targets=[self.county_org])
        self.assertTrue(parsed[0]["indicators"][0]["evidence_mandatory"])
        self.assertEqual(parsed[0]["groups"][0]["code"], "（一）")
