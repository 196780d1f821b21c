"""The engine as offices write 考评办法 (#9): 扣完为止 vs 负面清单 per indicator,
酌情扣分, 全额, group rules, a veto's own wording, 满意度测评 on its own scale
and 分类考评's 折算百分制. Expected values worked by hand; property tests for
the invariants. No database."""

from __future__ import annotations

import unittest
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring import (
    FAIL,
    Item,
    TargetInput,
    composite,
    discretionary_problems,
    group_subtotal,
    indicator_score,
    own_full_marks,
    percent_of,
    rank_and_grade,
    survey_points,
)

RULES = dict(bonus_cap=D(5), social_weight=D(0), thresholds={"优秀": 90, "良好": 80, "一般": 60})
points = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(["deduct", "add", "veto", "discretionary", "full"])
items = st.lists(st.builds(Item, kind=kinds, points=points, group=st.booleans()), max_size=8)


class OverflowTestCase(unittest.TestCase):
    def test_it_stops_a_deduct_indicator_at_zero_by_default(self):
        result = indicator_score(
            max_score=D(3), method="deduct", items=[Item("deduct", D(5))], overflow=False
        )
        self.assertEqual((result.score, result.overflow), (D("0.00"), D("0.00")))

    def test_it_takes_what_is_beyond_a_negative_list_indicator_from_the_total(self):
        result = indicator_score(max_score=D(3), method="deduct", items=[Item("deduct", D(5))], overflow=True)
        self.assertEqual((result.score, result.overflow), (D("0.00"), D("2.00")))

    def test_it_keeps_the_old_rule_for_veto_method_indicators_when_not_told(self):
        result = indicator_score(max_score=D("2.5"), method="veto", items=[Item("deduct", D(4))])
        self.assertEqual(result.overflow, D("1.50"))

    def test_it_lets_a_veto_method_indicator_stop_at_zero_when_its_flag_says_so(self):
        result = indicator_score(
            max_score=D("2.5"), method="veto", items=[Item("deduct", D(4))], overflow=False
        )
        self.assertEqual(result.overflow, D("0.00"))


class RuleKindsTestCase(unittest.TestCase):
    def test_it_takes_a_discretionary_deduction_as_chosen(self):
        result = indicator_score(max_score=D(4), method="deduct", items=[Item("discretionary", D("1.3"))])
        self.assertEqual(result.score, D("2.70"))

    def test_it_refuses_a_discretionary_value_outside_the_range(self):
        errors = discretionary_problems(chosen=D(3), low=D("0.5"), high=D(2), reason="台账缺失")
        self.assertEqual(errors, ["酌情扣分须在 0.5 至 2 分之间，填写的是 3 分。"])

    def test_it_requires_a_reason_for_a_discretionary_deduction(self):
        errors = discretionary_problems(chosen=D(1), low=D("0.5"), high=D(2), reason=" ")
        self.assertEqual(errors, ["酌情扣分须填写扣分理由。"])

    def test_it_accepts_a_discretionary_value_within_the_range_with_a_reason(self):
        self.assertEqual(discretionary_problems(chosen="0.5", low=D("0.5"), high=D(2), reason="x"), [])

    def test_it_gives_full_points_when_the_full_item_is_not_chosen(self):
        self.assertEqual(indicator_score(max_score=D(2), method="deduct").score, D("2.00"))

    def test_it_gives_zero_when_a_full_requirement_is_not_met(self):
        result = indicator_score(max_score=D(2), method="deduct", items=[Item("full", D(0))])
        self.assertEqual(result.score, D("0.00"))

    def test_it_gives_what_the_full_item_says_when_not_met(self):
        result = indicator_score(max_score=D(2), method="deduct", items=[Item("full", D("0.5"))])
        self.assertEqual(result.score, D("0.50"))

    def test_it_does_not_take_a_group_rule_from_the_indicator_it_is_stored_on(self):
        result = indicator_score(max_score=D(2), method="deduct", items=[Item("deduct", D(3), group=True)])
        self.assertEqual((result.score, result.group_deducted), (D("2.00"), D("3.00")))


class GroupSubtotalTestCase(unittest.TestCase):
    def test_it_takes_a_group_deduction_from_the_group_subtotal(self):
        result = group_subtotal(scores=[D(2), D("1.5"), D(3)], points=D(7), deducted=D(2))
        self.assertEqual(result, (D("4.50"), D("2.00")))

    def test_it_caps_a_group_deduction_at_the_group_points(self):
        result = group_subtotal(scores=[D(6), D(4)], points=D(5), deducted=D(8))
        self.assertEqual(result, (D("5.00"), D("5.00")))

    def test_it_never_takes_the_subtotal_below_zero(self):
        result = group_subtotal(scores=[D(1), D(1)], points=D(5), deducted=D(4))
        self.assertEqual(result, (D("0.00"), D("2.00")))


class VetoWordingTestCase(unittest.TestCase):
    def test_it_grades_a_veto_with_its_own_wording(self):
        ranked = rank_and_grade(
            [
                TargetInput("1", "甲", D(95), veto=True, veto_result="当年目标未完成"),
                TargetInput("2", "乙", D(95), veto=True),
                TargetInput("3", "丙", D(95)),
            ],
            **RULES,
        )
        self.assertEqual({r.code: r.grade for r in ranked}, {"1": "当年目标未完成", "2": FAIL, "3": "优秀"})


class ConversionTestCase(unittest.TestCase):
    def test_it_converts_a_survey_result_into_the_section_points(self):
        self.assertEqual(survey_points(D(92), scale=D(100), points=D(10)), D("9.20"))

    def test_it_clips_a_survey_result_to_its_scale(self):
        self.assertEqual(survey_points(D(120), scale=D(100), points=D(10)), D("10.00"))

    def test_it_takes_the_indicators_that_do_not_apply_from_the_class_full_marks(self):
        self.assertEqual(own_full_marks(class_full=D(120), not_applying=D(8)), D(112))

    def test_it_grades_a_class_target_on_its_percent_score(self):
        # 县区 of 120 points: 102 of 120 is 85 on 百分制 (良好), +2 bonus after the conversion
        ranked = rank_and_grade(
            [TargetInput("1", "县", D(102), bonus=D(2), full_marks=D(120), unit_class="县区")], **RULES
        )
        row = ranked[0]
        self.assertEqual(
            (row.total, row.grade, row.converted, row.indicator_total),
            (D("87.00"), "良好", D("85.00"), D(102)),
        )

    def test_it_rescales_a_target_whose_indicators_do_not_all_apply(self):
        # 市直单位 of 100 points, an 8-point indicator does not apply: 82.8 of 92 is 90
        full = own_full_marks(class_full=D(100), not_applying=D(8))
        ranked = rank_and_grade([TargetInput("1", "局", D("82.8"), full_marks=full)], **RULES)
        self.assertEqual((ranked[0].total, ranked[0].grade), (D("90.00"), "优秀"))

    def test_it_leaves_a_target_of_no_class_unconverted(self):
        ranked = rank_and_grade([TargetInput("1", "县", D("88.5"))], **RULES)
        self.assertEqual((ranked[0].total, ranked[0].converted), (D("88.50"), None))


class EnginePropertiesTestCase(unittest.TestCase):
    @given(
        max_score=points,
        method=st.sampled_from(["deduct", "grade", "veto"]),
        chosen=items,
        overflow=st.booleans(),
    )
    def test_it_overflows_only_where_the_indicator_says_so(self, max_score, method, chosen, overflow):
        result = indicator_score(
            max_score=max_score, method=method, items=chosen, base=D(0), overflow=overflow
        )
        self.assertTrue(D(0) <= result.score <= max_score)
        if not overflow:
            self.assertEqual(result.overflow, D(0))

    @given(
        scores=st.lists(points, min_size=1, max_size=6),
        not_applying=points,
        bonus=points,
        deductions=points,
        veto=st.booleans(),
    )
    def test_it_never_exceeds_the_full_marks_except_through_bonus(
        self, scores, not_applying, bonus, deductions, veto
    ):
        class_full = D(120)
        full = own_full_marks(class_full=class_full, not_applying=min(not_applying, D(60)))
        earned = min(sum(scores, D(0)), full)  # a target never earns more than its own full marks
        row = rank_and_grade(
            [TargetInput("1", "甲", earned, bonus=bonus, deductions=deductions, veto=veto, full_marks=full)],
            **RULES,
        )[0]
        self.assertLessEqual(row.total, D(100) + min(bonus, D(5)))
        self.assertLessEqual(row.converted, D(100))

    @given(a=points, b=points, full=st.decimals(min_value=1, max_value=200, places=2))
    def test_it_converts_monotonically(self, a, b, full):
        low, high = sorted([a, b])
        self.assertLessEqual(percent_of(low, full), percent_of(high, full))

    @given(total=points, wording=st.sampled_from(["", "不合格", "当年目标未完成"]), full=st.none() | points)
    def test_it_always_gives_a_vetoed_target_the_veto_result(self, total, wording, full):
        row = rank_and_grade(
            [TargetInput("1", "甲", total, veto=True, veto_result=wording, full_marks=full or None)], **RULES
        )[0]
        self.assertEqual(row.grade, wording or FAIL)


class IntegerArithmeticTestCase(unittest.TestCase):
    """The composite is computed in whole hundredths (integers) and rounded
    once; it must give what the rule says in Decimal arithmetic, for any
    points, full marks, bonus cap and social weight, with more decimals too."""

    @staticmethod
    def by_the_rule(t: TargetInput, cap: D, weight: D) -> D:
        from decimal import ROUND_HALF_UP, localcontext

        with localcontext() as ctx:
            ctx.prec = 60  # far more digits than any conversion needs
            total = t.indicator_total
            if t.full_marks is not None:
                total = total * 100 / t.full_marks if t.full_marks > 0 else D(0)
            bonus = min(max(t.bonus, D(0)), max(cap, D(0)))
            assessed = max(D(0), total + bonus - max(t.deductions, D(0)))
            if weight and t.social is not None:
                assessed = assessed * (1 - weight) + t.social * weight
            return assessed.quantize(D("0.01"), rounding=ROUND_HALF_UP)

    @given(
        total=st.decimals(min_value=0, max_value=200, places=3),
        bonus=st.decimals(min_value=-5, max_value=20, places=2),
        deductions=st.decimals(min_value=-5, max_value=50, places=2),
        social=st.none() | st.decimals(min_value=0, max_value=100, places=2),
        full=st.none() | st.decimals(min_value=0, max_value=300, places=2),
        cap=st.decimals(min_value=0, max_value=10, places=2),
        weight=st.decimals(min_value=0, max_value=1, places=3),
    )
    def test_it_gives_the_decimal_rule_exactly(self, total, bonus, deductions, social, full, cap, weight):
        t = TargetInput("1", "甲", total, bonus=bonus, deductions=deductions, social=social, full_marks=full)
        row = rank_and_grade([t], bonus_cap=cap, social_weight=weight)[0]
        self.assertEqual(row.total, self.by_the_rule(t, cap, weight))
        self.assertEqual(composite(t, bonus_cap=cap, social_weight=weight), row.total)

    def test_it_rounds_half_up_once_at_the_end(self):
        # 85.125 of 百分制 (68.1 of 80) + 0 → 85.13; 0.005 more from two parts is not rounded twice
        t = TargetInput("1", "甲", D("68.10"), full_marks=D(80))
        self.assertEqual(rank_and_grade([t], **RULES)[0].total, D("85.13"))
        self.assertEqual(rank_and_grade([t], **RULES)[0].converted, D("85.13"))
        weighted = TargetInput("1", "甲", D("90.01"), social=D("80.00"))
        self.assertEqual(composite(weighted, bonus_cap=D(5), social_weight=D("0.5")), D("85.01"))
