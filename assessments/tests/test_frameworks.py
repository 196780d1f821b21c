from __future__ import annotations

from decimal import Decimal as D

from django.core.exceptions import ValidationError

from assessments import frameworks_xlsx
from assessments.framework_diff import framework_diff
from assessments.models import Framework, Indicator, Rule, Section
from assessments.selectors import frameworks as framework_selectors
from assessments.services import frameworks as fw
from assessments.tests.fixtures import build_framework, xlsx
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from orgs.selectors import assessors, targets


class FrameworkRulesTestCase(BaseTestCase):
    def test_it_refuses_to_lock_when_the_points_do_not_add_up(self):
        framework = fw.framework_create(actor=self.office, year=2024, name="2024年度办法", total_score=D(100))
        section = fw.section_create(actor=self.office, framework=framework, code="A", name="法治政府建设")
        fw.indicator_create(
            actor=self.office,
            section=section,
            code="A1",
            name="指标一",
            max_score=D(60),
            assessors=[self.sfj],
        )
        with self.assertRaises(ValidationError) as ctx:
            fw.framework_lock(actor=self.office, framework=framework)
        self.assertIn("还差 40 分", " ".join(ctx.exception.messages))
        framework.refresh_from_db()
        self.assertEqual(framework.status, "draft")

    def test_it_locks_when_the_sum_equals_the_total_and_bonus_is_outside_it(self):
        framework = build_framework(self.office, self.sfj, self.gaj, lock=False)
        self.assertEqual(fw.framework_problems(framework), [])
        locked = fw.framework_lock(actor=self.office, framework=framework)
        self.assertEqual(locked.status, "locked")
        self.assertTrue(AuditEntry.objects.filter(action="assessments.framework.locked").exists())

    def test_it_requires_an_assessing_unit_for_every_indicator(self):
        framework = fw.framework_create(actor=self.office, year=2024, name="办法", total_score=D(10))
        section = fw.section_create(actor=self.office, framework=framework, code="A", name="板块")
        fw.indicator_create(actor=self.office, section=section, code="A1", name="无人负责", max_score=D(10))
        self.assertIn("未指定考评单位", " ".join(fw.framework_problems(framework)))

    def test_it_keeps_a_locked_framework_immutable(self):
        framework = build_framework(self.office, self.sfj, self.gaj)
        indicator = Indicator.objects.get(section__framework=framework, code="A1")
        section = framework.sections.get(code="A")
        rule = Rule.objects.get(indicator=indicator, code="A1-1")
        attempts = [
            lambda: fw.framework_update(actor=self.office, framework=framework, name="改名"),
            lambda: fw.section_create(actor=self.office, framework=framework, code="C", name="新板块"),
            lambda: fw.section_update(actor=self.office, section=section, name="改名"),
            lambda: fw.section_delete(actor=self.office, section=section),
            lambda: fw.indicator_update(actor=self.office, indicator=indicator, max_score=D(45)),
            lambda: fw.indicator_delete(actor=self.office, indicator=indicator),
            lambda: fw.rule_update(actor=self.office, rule=rule, points=D(5)),
            lambda: fw.rule_create(actor=self.office, indicator=indicator, code="X", text="x", points=D(1)),
            lambda: fw.rule_delete(actor=self.office, rule=rule),
            lambda: fw.framework_delete(actor=self.office, framework=framework),
        ]
        for attempt in attempts:
            with self.assertRaises(ValidationError):
                attempt()
        indicator.refresh_from_db()
        self.assertEqual(indicator.max_score, D(40))
        self.assertEqual(Rule.objects.filter(indicator__section__framework=framework).count(), 7)

    def test_it_makes_a_new_editable_version_of_a_locked_framework(self):
        framework = build_framework(self.office, self.sfj, self.gaj)
        draft = fw.framework_new_version(actor=self.office, framework=framework)
        self.assertEqual((draft.year, draft.version, draft.status), (framework.year, 2, "draft"))
        indicator = Indicator.objects.get(section__framework=draft, code="A1")
        fw.indicator_update(actor=self.office, indicator=indicator, name="重大行政决策程序")
        self.assertEqual(
            Indicator.objects.get(section__framework=framework, code="A1").name, "重大行政决策合法性审查"
        )

    def test_it_clones_everything_into_a_new_year(self):
        source = build_framework(self.office, self.sfj, self.gaj)
        a2 = Indicator.objects.get(section__framework=source, code="A2")
        a2.applies_to.set([self.county_org])
        clone = fw.framework_clone(actor=self.office, source=source, year=2024)
        self.assertEqual(clone.name, "2024年度法治建设考评办法")
        self.assertEqual(clone.cloned_from, source)
        self.assertEqual(clone.status, "draft")
        self.assertEqual(
            framework_selectors.framework_structure(clone), framework_selectors.framework_structure(source)
        )
        result = framework_diff(
            framework_selectors.framework_structure(source), framework_selectors.framework_structure(clone)
        )
        self.assertEqual(result.changed, [])

    def test_it_rejects_duplicate_indicator_codes_within_a_framework(self):
        framework = build_framework(self.office, self.sfj, self.gaj, lock=False)
        section = framework.sections.get(code="B")
        with self.assertRaises(ValidationError):
            fw.indicator_create(
                actor=self.office,
                section=section,
                code="A1",
                name="重复",
                max_score=D(1),
                assessors=[self.sfj],
            )


class FrameworkDiffTestCase(BaseTestCase):
    def test_it_lists_added_removed_and_changed_indicators_and_rules(self):
        old = build_framework(self.office, self.sfj, self.gaj)
        new = fw.framework_clone(actor=self.office, source=old, year=2024)
        a1 = Indicator.objects.get(section__framework=new, code="A1")
        fw.indicator_update(actor=self.office, indicator=a1, max_score=D(35), assessors=[self.sfj, self.gaj])
        fw.rule_update(actor=self.office, rule=a1.rules.get(code="A1-1"), points=D(3))
        fw.indicator_delete(
            actor=self.office, indicator=Indicator.objects.get(section__framework=new, code="A2")
        )
        fw.indicator_create(
            actor=self.office,
            section=new.sections.get(code="A"),
            code="A3",
            name="新指标",
            max_score=D(35),
            assessors=[self.gaj],
        )
        result = framework_diff(
            framework_selectors.framework_structure(old), framework_selectors.framework_structure(new)
        )
        status = {d.code: d.status for d in result.indicators}
        self.assertEqual(
            status, {"A1": "changed", "A2": "removed", "A3": "added", "B1": "same", "B2": "same"}
        )
        a1_diff = next(d for d in result.indicators if d.code == "A1")
        self.assertEqual({c.field for c in a1_diff.changes}, {"max_score", "assessors"})
        self.assertEqual(a1_diff.rules_changed[0][0], "A1-1")
        self.assertEqual(result.old_total, D(100))
        self.assertEqual(result.new_total, D(100))


class FrameworkXlsxTestCase(BaseTestCase):
    def parse(self, content: bytes):
        return frameworks_xlsx.parse(content, assessors=assessors(), targets=targets())

    def test_it_round_trips_export_and_import(self):
        source = build_framework(self.office, self.sfj, self.gaj)
        content = frameworks_xlsx.export_workbook(framework_selectors.framework_structure(source))
        structure = self.parse(content)
        imported = fw.framework_import(
            actor=self.office, structure=structure, year=2025, name="导入", total_score=D(100)
        )
        self.assertEqual(
            framework_diff(
                framework_selectors.framework_structure(source),
                framework_selectors.framework_structure(imported),
            ).changed,
            [],
        )
        self.assertEqual(fw.framework_problems(imported), [])

    def test_it_reports_a_missing_score_with_row_and_column_and_imports_nothing(self):
        content = xlsx(
            [
                [
                    "A",
                    "法治政府建设",
                    "A1",
                    "指标一",
                    40,
                    "扣分制",
                    None,
                    "",
                    "",
                    "市司法局",
                    "",
                    "A1-1",
                    "每件扣2分",
                    "扣分",
                    2,
                    None,
                ],
                [
                    "A",
                    "法治政府建设",
                    "A2",
                    "指标二",
                    None,
                    "扣分制",
                    None,
                    "",
                    "",
                    "市公安局",
                    "",
                    "",
                    "",
                    "",
                    None,
                    None,
                ],
                [
                    "A",
                    "法治政府建设",
                    "A3",
                    "指标三",
                    60,
                    "打分",
                    None,
                    "",
                    "",
                    "市不存在局",
                    "",
                    "",
                    "",
                    "",
                    None,
                    None,
                ],
            ]
        )
        with self.assertRaises(frameworks_xlsx.ImportFailed) as ctx:
            self.parse(content)
        messages = [str(e) for e in ctx.exception.errors]
        self.assertIn("第 3 行，E 列「分值」：缺少分值。", messages)
        self.assertTrue(any(m.startswith("第 4 行，F 列「评分方式」") for m in messages))
        self.assertTrue(any("找不到单位「市不存在局」" in m for m in messages))
        self.assertEqual(Framework.objects.count(), 0)
        self.assertEqual(Section.objects.count(), 0)

    def test_it_reports_missing_headers_and_unreadable_files(self):
        with self.assertRaises(frameworks_xlsx.ImportFailed) as ctx:
            self.parse(xlsx([["A"]], headers=["板块编号", "指标名称"]))
        self.assertTrue(any("分值" in str(e) for e in ctx.exception.errors))
        with self.assertRaises(frameworks_xlsx.ImportFailed) as ctx:
            self.parse(b"not an xlsx at all")
        self.assertIn("无法读取文件", str(ctx.exception.errors[0]))

    def test_it_reports_inconsistent_indicator_rows_and_duplicate_rules(self):
        content = xlsx(
            [
                [
                    "A",
                    "板块",
                    "A1",
                    "指标一",
                    40,
                    "扣分制",
                    None,
                    "",
                    "",
                    "440700-SFJ",
                    "",
                    "A1-1",
                    "甲",
                    "扣分",
                    2,
                    None,
                ],
                [
                    "A",
                    "板块",
                    "A1",
                    "指标一",
                    30,
                    "扣分制",
                    None,
                    "",
                    "",
                    "440700-SFJ",
                    "",
                    "A1-1",
                    "乙",
                    "扣分",
                    1,
                    None,
                ],
                [
                    "A",
                    "板块",
                    "A2",
                    "指标二",
                    5,
                    "加分",
                    None,
                    "",
                    "",
                    "江门市司法局",
                    "",
                    "A2-1",
                    "丙",
                    "加分",
                    "两分",
                    None,
                ],
            ]
        )
        with self.assertRaises(frameworks_xlsx.ImportFailed) as ctx:
            self.parse(content)
        text = "\n".join(str(e) for e in ctx.exception.errors)
        self.assertIn("第 3 行，E 列「分值」：指标 A1 的分值与前面的行不一致。", text)
        self.assertIn("细则编号 A1-1 重复", text)
        self.assertIn("第 4 行，G 列「加分上限」：加分指标须填写加分上限。", text)
        self.assertIn("第 4 行，O 列「每次分值」：每次分值「两分」不是数字。", text)

    def test_it_replaces_a_draft_atomically(self):
        draft = build_framework(self.office, self.sfj, self.gaj, lock=False)
        content = xlsx(
            [
                [
                    "X",
                    "新板块",
                    "X1",
                    "新指标",
                    100,
                    "",
                    None,
                    "",
                    "",
                    "江门市司法局",
                    "蓬江区",
                    "",
                    "",
                    "",
                    None,
                    None,
                ]
            ]
        )
        fw.framework_import(actor=self.office, structure=self.parse(content), framework=draft)
        self.assertEqual([s.code for s in draft.sections.all()], ["X"])
        x1 = Indicator.objects.get(section__framework=draft)
        self.assertEqual(list(x1.applies_to.all()), [self.county_org])


class FieldListTestCase(BaseTestCase):
    """An indicator's and a rule's edited fields are listed once
    (models.INDICATOR_FIELDS, RULE_FIELDS): form, API, export and clone agree."""

    def test_it_edits_exports_and_serves_the_same_fields(self):
        from assessments.api.frameworks import IndicatorSerializer, RuleSerializer
        from assessments.forms import IndicatorForm, RuleForm
        from assessments.models import INDICATOR_FIELDS, RULE_FIELDS

        self.assertEqual(
            list(IndicatorForm._meta.fields or ()),
            ["section", "group", *INDICATOR_FIELDS, "assessors", "applies_to"],
        )
        self.assertEqual(list(RuleForm._meta.fields or ()), list(RULE_FIELDS))
        self.assertLessEqual(set(INDICATOR_FIELDS), set(IndicatorSerializer.Meta.fields))
        self.assertEqual(list(RuleSerializer.Meta.fields), ["id", *RULE_FIELDS])
        framework = build_framework(self.office, self.sfj, self.gaj)
        indicator = framework_selectors.framework_structure(framework)[0]["indicators"][0]
        self.assertLessEqual(set(INDICATOR_FIELDS), set(indicator))
        self.assertEqual(set(indicator["rules"][0]), set(RULE_FIELDS))
