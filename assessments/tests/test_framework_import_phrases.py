"""评分标准 phrases as offices write them → rules (kind, points each, cap), worked by hand."""

from __future__ import annotations

from decimal import Decimal as D

from django.test import SimpleTestCase

from assessments.framework_import.phrases import parse_rules, to_number


def kinds(text: str) -> list[tuple[str, D | None, D | None]]:
    return [(r.kind, r.points_each, r.cap) for r in parse_rules(text).rules]


class RulePhrasesTestCase(SimpleTestCase):
    def test_it_reads_a_deduction_per_occurrence(self):
        (rule,) = parse_rules("每发现一处扣0.5分").rules
        self.assertEqual(
            (rule.kind, rule.points_each, rule.cap, rule.per_occurrence), ("deduct", D("0.5"), None, True)
        )

    def test_it_reads_a_case_counted_without_每_as_per_occurrence(self):
        for text in ("缺一项扣0.5分，扣完为止", "发现一处扣1分", "少报一次扣2分", "漏报一件扣1分"):
            with self.subTest(text):
                (rule,) = parse_rules(text).rules
                self.assertTrue(rule.per_occurrence)
        for text in ("未开展的扣3分", "评为不合格的，扣2分", "发生一起重大事故的扣5分"):
            with self.subTest(text):
                (rule,) = parse_rules(text).rules
                self.assertFalse(rule.per_occurrence)

    def test_it_reads_a_deduction_per_percentage_point(self):
        self.assertEqual(kinds("每低一个百分点扣1分"), [("deduct", D(1), None)])

    def test_it_reads_a_cumulative_cap_in_the_same_sentence(self):
        self.assertEqual(
            kinds("未按时报送的，每次扣0.5分，累计扣分不超过1.2分"), [("deduct", D("0.5"), D("1.2"))]
        )
        self.assertEqual(
            parse_rules("未按时报送的，每次扣0.5分，累计扣分不超过1.2分").rules[0].text,
            "未按时报送的，每次扣0.5分，累计扣分不超过1.2分",
        )

    def test_it_reads_most_and_full_stop_caps(self):
        self.assertEqual(kinds("每项扣1分，最多扣2分"), [("deduct", D(1), D(2))])
        self.assertEqual(kinds("每件扣0.5分，扣满3分为止"), [("deduct", D("0.5"), D(3))])

    def test_it_applies_a_cap_standing_alone_to_the_deductions_before_it(self):
        self.assertEqual(
            kinds("1.未建立制度的扣1分；2.未开展培训的每次扣0.5分。累计扣分不超过1.5分"),
            [("deduct", D(1), D("1.5")), ("deduct", D("0.5"), D("1.5"))],
        )

    def test_it_reads_a_cap_alone_as_a_discretionary_range(self):
        self.assertEqual(kinds("工作推进不力的，最多扣2分"), [("discretionary", None, D(2))])

    def test_it_notes_deductions_stop_at_zero(self):
        parsed = parse_rules("每低一个百分点扣1分，分值扣完为止")
        self.assertTrue(parsed.floor)
        self.assertEqual(kinds("每低一个百分点扣1分，分值扣完为止"), [("deduct", D(1), None)])

    def test_it_reads_a_veto_and_its_wording(self):
        (veto,) = parse_rules("发生一起重大安全事故即一票否决").rules
        self.assertEqual((veto.kind, veto.veto_result), ("veto", ""))
        (failed,) = parse_rules("发生一起即考核不合格").rules
        self.assertEqual((failed.kind, failed.veto_result), ("veto", "不合格"))
        (target,) = parse_rules("出现重大失误的，视为当年目标未完成").rules
        self.assertEqual((target.kind, target.veto_result), ("veto", "当年目标未完成"))

    def test_it_reads_no_points_for_the_item_as_the_whole_deduction(self):
        (rule,) = parse_rules("发生一起即该项不得分").rules
        self.assertEqual((rule.kind, rule.whole), ("deduct", True))

    def test_it_reads_a_failing_grade_as_a_condition_not_a_veto(self):
        self.assertEqual(kinds("评为不合格的，扣2分"), [("deduct", D(2), None)])

    def test_it_reads_discretionary_deductions(self):
        self.assertEqual(kinds("酌情扣分"), [("discretionary", None, None)])
        self.assertEqual(kinds("视情况扣1-3分"), [("discretionary", D(1), D(3))])
        self.assertEqual(kinds("视情节扣0.5至2分"), [("discretionary", D("0.5"), D(2))])
        self.assertEqual(parse_rules("视情况扣1-3分").rules[0].min_points, D(1))

    def test_it_reads_bonus_points_with_a_cap(self):
        self.assertEqual(kinds("加分项：获得省级表彰的每项加1分，最多加3分"), [("bonus", D(1), D(3))])
        self.assertEqual(kinds("获国家级表彰的加2分，加分不超过5分"), [("bonus", D(2), D(5))])

    def test_it_reads_full_points(self):
        self.assertEqual(kinds("全部合格的，记4分"), [("full", D(4), None)])
        self.assertEqual(kinds("达到要求的得满分"), [("full", None, None)])

    def test_it_reads_grades(self):
        self.assertEqual(
            kinds("评为优秀的得5分，良好的得3分，一般的得1分"),
            [("grade", D(5), None), ("grade", D(3), None), ("grade", D(1), None)],
        )
        self.assertEqual(
            [r.text for r in parse_rules("评为优秀的得5分，良好的得3分").rules],
            ["评为优秀的得5分", "良好的得3分"],
        )

    def test_it_reads_a_group_rule(self):
        rules = parse_rules("以上各项达到要求的得满分，否则酌情扣分").rules
        self.assertEqual([(r.kind, r.scope) for r in rules], [("full", "group"), ("discretionary", "group")])
        self.assertEqual([r.text for r in rules], ["以上各项达到要求的得满分", "否则酌情扣分"])

    def test_it_reads_full_width_digits_and_chinese_numerals(self):
        self.assertEqual(kinds("每项扣１分"), [("deduct", D(1), None)])
        self.assertEqual(kinds("未完成的扣两分"), [("deduct", D(2), None)])
        self.assertEqual(to_number("十二"), D(12))
        self.assertEqual(to_number("半"), D("0.5"))

    def test_it_keeps_a_deduction_without_points_for_a_finding(self):
        self.assertEqual(kinds("工作推进不力的，予以扣分"), [("deduct", None, None)])

    def test_it_returns_text_about_points_it_does_not_understand_as_unparsed(self):
        parsed = parse_rules("按要求得分情况另行研究")
        self.assertEqual(parsed.rules, [])
        self.assertEqual(parsed.unparsed, ["按要求得分情况另行研究"])

    def test_it_keeps_plain_requirements_as_description(self):
        parsed = parse_rules("建立健全工作制度")
        self.assertEqual((parsed.rules, parsed.unparsed, parsed.description), ([], [], ["建立健全工作制度"]))
