"""The pure scoring rules: unit tests and property tests (no database)."""

from __future__ import annotations

import random
import unittest
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring import (
    FAIL,
    IndicatorResult,
    Item,
    TargetInput,
    TargetUnits,
    composite,
    composite_units,
    grades_with_quota,
    indicator_score,
    negative_list_overflow,
    points_problems,
    rank_and_grade,
    ranking_keys,
    reason_missing,
    tie_break_key,
    validate_score,
)

points = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
max_scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
items = st.lists(st.builds(Item, kind=st.sampled_from(["deduct", "add", "veto"]), points=points), max_size=8)
methods = st.sampled_from(["deduct", "bonus", "grade", "veto"])

RULES = dict(bonus_cap=D(5), social_weight=D(0), thresholds={"优秀": 90, "良好": 80, "一般": 60})


def target(code: str, total: str, **kw) -> TargetInput:
    return TargetInput(code=code, name=f"单位{code}", indicator_total=D(total), **kw)


class IndicatorScoreTestCase(unittest.TestCase):
    def test_it_deducts_from_full_marks(self):
        result = indicator_score(
            max_score=D(4), method="deduct", items=[Item("deduct", D("0.5")), Item("deduct", D(1))]
        )
        self.assertEqual(
            result,
            IndicatorResult(score=D("2.50"), deducted=D("1.50"), added=D("0.00"), veto=False, clipped=False),
        )

    def test_it_floors_deductions_at_zero(self):
        result = indicator_score(max_score=D(2), method="deduct", items=[Item("deduct", D(3))])
        self.assertEqual(result.score, D("0.00"))
        self.assertTrue(result.clipped)

    def test_it_caps_additions_at_the_bonus_cap(self):
        result = indicator_score(
            max_score=D(5), method="bonus", items=[Item("add", D(2))] * 3, bonus_cap=D(3)
        )
        self.assertEqual(result.score, D("3.00"))
        self.assertTrue(result.clipped)

    def test_it_clips_a_grade_to_the_indicator(self):
        self.assertEqual(indicator_score(max_score=D(3), method="grade", base=D("2.4")).score, D("2.40"))
        self.assertEqual(indicator_score(max_score=D(3), method="grade", base=D(7)).score, D("3.00"))

    def test_it_requires_a_base_for_a_grade(self):
        with self.assertRaises(ValueError):
            indicator_score(max_score=D(3), method="grade")

    def test_it_zeroes_a_vetoed_indicator(self):
        result = indicator_score(max_score=D(2), method="veto", items=[Item("veto")])
        self.assertEqual(result.score, D("0.00"))
        self.assertTrue(result.veto)

    def test_it_takes_negative_list_deductions_beyond_the_indicator_from_the_total(self):
        result = indicator_score(max_score=D(0), method="veto", items=[Item("deduct", D("1.5"))])
        self.assertEqual((result.score, result.overflow), (D("0.00"), D("1.50")))

    def test_it_rounds_half_up(self):
        self.assertEqual(
            indicator_score(max_score=D(1), method="deduct", items=[Item("deduct", D("0.125"))]).score,
            D("0.88"),
        )

    def test_it_rejects_negative_points_and_unknown_methods(self):
        with self.assertRaises(ValueError):
            indicator_score(max_score=D(1), method="deduct", items=[Item("deduct", D(-1))])
        with self.assertRaises(ValueError):
            indicator_score(max_score=D(1), method="定量")

    @given(max_score=max_scores, method=methods, items=items, base=points, cap=st.none() | points)
    def test_it_never_leaves_zero_to_max(self, max_score, method, items, base, cap):
        result = indicator_score(max_score=max_score, method=method, items=items, base=base, bonus_cap=cap)
        self.assertGreaterEqual(result.score, 0)
        self.assertLessEqual(result.score, max_score)
        self.assertEqual(result.score, result.score.quantize(D("0.01")))

    @given(max_score=max_scores, method=methods, items=items, base=points)
    def test_it_marks_every_veto_item(self, max_score, method, items, base):
        result = indicator_score(max_score=max_score, method=method, items=items, base=base)
        self.assertEqual(result.veto, any(i.kind == "veto" for i in items))


class ValidateScoreTestCase(unittest.TestCase):
    def test_it_accepts_full_marks_without_a_reason(self):
        self.assertEqual(validate_score(max_score=D(4), score=D(4), reason=""), [])

    def test_it_requires_a_reason_below_full_marks(self):
        self.assertEqual(
            validate_score(max_score=D(4), score=D("3.5"), reason=" "), ["得分低于满分时须填写扣分理由。"]
        )
        self.assertEqual(validate_score(max_score=D(4), score=D("3.5"), reason="台账不全"), [])

    def test_it_refuses_a_score_above_the_indicator(self):
        errors = validate_score(max_score=D(4), score=D(5), reason="")
        self.assertEqual(errors, ["得分须在 0 至 4 分之间（本指标分值 4 分），填写的是 5 分。"])

    def test_it_refuses_negative_missing_and_overprecise_scores(self):
        self.assertIn("请填写得分。", validate_score(max_score=D(4), score=None, reason=""))
        self.assertTrue(validate_score(max_score=D(4), score=D(-1), reason="x"))
        self.assertIn("得分最多保留两位小数。", validate_score(max_score=D(4), score=D("3.333"), reason="x"))
        self.assertTrue(validate_score(max_score=D(4), score="abc", reason="x"))

    @given(max_score=max_scores, score=st.decimals(min_value=-50, max_value=150, places=2))
    def test_it_accepts_exactly_the_scores_in_range(self, max_score, score):
        ok = not validate_score(max_score=max_score, score=score, reason="理由")
        self.assertEqual(ok, D(0) <= score <= max_score)


class CompositeTestCase(unittest.TestCase):
    def test_it_adds_capped_bonus_and_subtracts_deductions(self):
        t = target("440703", "88", bonus=D(7), deductions=D(1))
        self.assertEqual(composite(t, bonus_cap=D(5), social_weight=D(0)), D("92.00"))

    def test_it_weights_the_social_score(self):
        t = target("440703", "90", social=D(80))
        self.assertEqual(composite(t, bonus_cap=D(5), social_weight=D("0.2")), D("88.00"))

    def test_it_keeps_assessed_points_without_a_social_score(self):
        self.assertEqual(
            composite(target("440703", "90"), bonus_cap=D(5), social_weight=D("0.2")), D("90.00")
        )

    def test_it_refuses_a_weight_outside_zero_to_one(self):
        with self.assertRaises(ValueError):
            composite(target("1", "90"), bonus_cap=D(5), social_weight=D("1.5"))

    @given(
        a=points,
        b=points,
        bonus=points,
        deductions=points,
        social=st.none() | points,
        weight=st.decimals(min_value=0, max_value=1, places=2),
        cap=points,
    )
    def test_it_is_monotone_in_the_indicator_total(self, a, b, bonus, deductions, social, weight, cap):
        low, high = sorted([a, b])
        make = lambda total: TargetInput("1", "x", total, bonus, deductions, False, social)  # noqa: E731
        self.assertLessEqual(
            composite(make(low), bonus_cap=cap, social_weight=weight),
            composite(make(high), bonus_cap=cap, social_weight=weight),
        )


class RankAndGradeTestCase(unittest.TestCase):
    def test_it_grades_by_thresholds(self):
        ranked = rank_and_grade(
            [target("1", "95"), target("2", "85"), target("3", "70"), target("4", "50")], **RULES
        )
        self.assertEqual(
            [(r.rank, r.code, r.grade) for r in ranked],
            [(1, "1", "优秀"), (2, "2", "良好"), (3, "3", "一般"), (4, "4", "不合格")],
        )

    def test_it_drops_excellent_beyond_the_quota_to_good(self):
        rows = [target("1", "95"), target("2", "93"), target("3", "91"), target("4", "85")]
        ranked = rank_and_grade(rows, **RULES, excellent_quota=2)
        self.assertEqual([r.grade for r in ranked], ["优秀", "优秀", "良好", "良好"])
        self.assertTrue(ranked[2].quota_dropped)

    def test_it_fails_a_vetoed_target_whatever_its_points(self):
        ranked = rank_and_grade([target("1", "99", veto=True), target("2", "85")], **RULES, excellent_quota=1)
        self.assertEqual({r.code: r.grade for r in ranked}, {"1": FAIL, "2": "良好"})

    def test_it_breaks_ties_by_veto_then_lost_points_then_code(self):
        rows = [
            target("9", "90", lost=D(10)),
            target("8", "90", lost=D(5)),
            target("7", "90", veto=True),
            target("6", "90", lost=D(5)),
        ]
        ranked = rank_and_grade(
            rows, **RULES, tie_break=["total_desc", "veto_asc", "deductions_asc", "code_asc"]
        )
        self.assertEqual([r.code for r in ranked], ["6", "8", "9", "7"])

    def test_it_refuses_duplicate_codes_and_unknown_tie_breaks(self):
        with self.assertRaises(ValueError):
            rank_and_grade([target("1", "90"), target("1", "80")], **RULES)
        with self.assertRaises(ValueError):
            rank_and_grade([target("1", "90")], **RULES, tie_break=["luck"])

    @settings(max_examples=200)
    @given(
        rows=st.lists(
            st.tuples(st.integers(60, 100), st.integers(0, 3), st.booleans(), st.integers(0, 5)),
            min_size=1,
            max_size=12,
        ),
        quota=st.none() | st.integers(0, 5),
        seed=st.integers(0, 1000),
    )
    def test_it_is_a_total_order_independent_of_input_order(self, rows, quota, seed):
        inputs = [
            target(f"{i:03d}", str(total), bonus=D(bonus), veto=veto, lost=D(lost))
            for i, (total, bonus, veto, lost) in enumerate(rows)
        ]
        shuffled = inputs[:]
        random.Random(seed).shuffle(shuffled)
        first = rank_and_grade(inputs, **RULES, excellent_quota=quota)
        second = rank_and_grade(shuffled, **RULES, excellent_quota=quota)
        self.assertEqual(first, second)  # permutation-invariant and deterministic
        self.assertEqual([r.rank for r in first], list(range(1, len(inputs) + 1)))  # strict
        self.assertEqual(sorted(r.code for r in first), sorted(t.code for t in inputs))
        for upper, lower in zip(first, first[1:], strict=False):
            self.assertGreaterEqual(upper.total, lower.total)
        if quota is not None:
            self.assertLessEqual(sum(r.grade == "优秀" for r in first), quota)

    @given(
        rows=st.lists(st.tuples(st.integers(0, 110), st.booleans()), min_size=1, max_size=10),
        quota=st.none() | st.integers(0, 3),
    )
    def test_it_always_fails_a_veto(self, rows, quota):
        inputs = [target(str(i), str(total), veto=veto) for i, (total, veto) in enumerate(rows)]
        for r in rank_and_grade(inputs, **RULES, excellent_quota=quota):
            if r.veto:
                self.assertEqual(r.grade, FAIL)


class OneFunctionPerRuleTestCase(unittest.TestCase):
    """Each rule is one function the callers share (and not a wording to search)."""

    def test_it_tells_the_points_from_the_reason_by_rule(self):
        self.assertEqual(
            points_problems(max_score=D(4), score=D(5)),
            ["得分须在 0 至 4 分之间（本指标分值 4 分），填写的是 5 分。"],
        )
        self.assertEqual(points_problems(max_score=D(4), score=D("3.5")), [])
        self.assertTrue(reason_missing(max_score=D(4), score=D("3.5"), reason=" "))
        self.assertFalse(reason_missing(max_score=D(4), score=D(4), reason=""))
        self.assertFalse(reason_missing(max_score=D(4), score="abc", reason=""))

    def test_it_states_the_negative_list_overflow_once(self):
        self.assertEqual(negative_list_overflow(max_score=D(2), deducted=D(5), added=D(1)), D(2))
        self.assertEqual(negative_list_overflow(max_score=D(2), deducted=D(1), added=D(0)), D(0))
        result = indicator_score(
            max_score=D(0), method="veto", items=[Item("deduct", D(3)), Item("deduct", D(3))]
        )
        self.assertEqual((result.score, result.overflow), (D("0.00"), D("6.00")))

    def test_it_breaks_ties_with_one_key_function_ending_with_the_code(self):
        keys = ranking_keys(["veto_asc"])
        self.assertEqual(keys, ("total_desc", "veto_asc"))
        a, b = TargetUnits("440704", "甲", 9000), TargetUnits("440703", "乙", 9000)
        parts = composite_units(a, unit=100, cap=500, weight=(0, 1))
        self.assertEqual(tie_break_key(keys, 9000, parts, a), (-9000, 0, "440704"))
        self.assertLess(tie_break_key(keys, 9000, parts, b), tie_break_key(keys, 9000, parts, a))
        with self.assertRaises(ValueError):
            ranking_keys(["luck"])

    def test_it_caps_excellent_with_one_quota_function(self):
        levels = [("优秀", D(90)), ("良好", D(80)), ("一般", D(60))]
        graded = grades_with_quota([(D(95), False), (D(94), True), (D(93), False), (D(70), False)], levels, 1)
        self.assertEqual(graded, [("优秀", False), (FAIL, False), ("良好", True), ("一般", False)])
        with self.assertRaises(ValueError):
            grades_with_quota([], levels, -1)
