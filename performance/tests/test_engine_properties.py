from __future__ import annotations

import unittest
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from performance.engine import load_rule_set, score_evaluation, score_indicator
from performance.tests.engine_helpers import balanced_evaluation, indicator

money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(
    min_value=Decimal("0.01"), max_value=10_000, places=2, allow_nan=False, allow_infinity=False
)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
ops = st.sampled_from(["≥", "≤", "", ">", "<"])
rule_sets = st.sampled_from(["cz2020", "reverse-ratio"])


class EnginePropertiesTestCase(unittest.TestCase):
    @settings(max_examples=300, deadline=None)
    @given(
        op=ops,
        target=money,
        actual=st.decimals(min_value=-100, max_value=20_000, places=2),
        weight=weights,
        rules=rule_sets,
    )
    def test_it_never_scores_above_the_weight_or_below_zero(self, op, target, actual, weight, rules):
        result = score_indicator(
            indicator(target=f"{op}{target}", actual=str(actual), weight=weight, reason="r"),
            load_rule_set(rules),
        )
        self.assertIsNotNone(result.score)
        self.assertGreaterEqual(result.score, 0)
        self.assertLessEqual(result.score, weight)

    @settings(max_examples=200, deadline=None)
    @given(
        band=st.sampled_from(["达成年度指标", "部分达成", "未达成"]),
        declared=st.none() | weights,
        weight=weights,
    )
    def test_it_keeps_qualitative_scores_within_the_weight(self, band, declared, weight):
        result = score_indicator(
            indicator(target="有提高", actual=band, weight=weight, declared=declared, reason="r")
        )
        self.assertGreaterEqual(result.score, 0)
        self.assertLessEqual(result.score, weight)

    @settings(max_examples=200, deadline=None)
    @given(
        rows=st.lists(st.tuples(ops, positive, money, weights), min_size=1, max_size=12),
        adjusted=positive,
        executed=money,
    )
    def test_it_totals_the_execution_score_and_the_indicator_scores(self, rows, adjusted, executed):
        inds = [
            indicator(f"指标{i}", f"{op}{t}", str(a), w, reason="r") for i, (op, t, a, w) in enumerate(rows)
        ]
        result = score_evaluation(
            balanced_evaluation(inds, budget_adjusted=adjusted, budget_executed=executed)
        )
        self.assertEqual(result.total, result.execution_score + sum(r.score for r in result.indicators))
        self.assertLessEqual(result.total, result.max_total)
        self.assertLessEqual(result.execution_score, 10)

    @settings(max_examples=300, deadline=None)
    @given(target=positive, a=money, b=money, weight=weights)
    def test_it_is_monotone_in_the_actual_for_positive_indicators(self, target, a, b, weight):
        low, high = sorted((a, b))
        s_low = score_indicator(
            indicator(target=f"≥{target}", actual=str(low), weight=weight, reason="r")
        ).score
        s_high = score_indicator(
            indicator(target=f"≥{target}", actual=str(high), weight=weight, reason="r")
        ).score
        self.assertLessEqual(s_low, s_high)

    @settings(max_examples=300, deadline=None)
    @given(target=positive, a=money, b=money, weight=weights, rules=rule_sets)
    def test_it_never_rewards_a_higher_actual_for_negative_indicators(self, target, a, b, weight, rules):
        low, high = sorted((a, b))
        r = load_rule_set(rules)
        s_low = score_indicator(
            indicator(target=f"≤{target}", actual=str(low), weight=weight, reason="r"), r
        ).score
        s_high = score_indicator(
            indicator(target=f"≤{target}", actual=str(high), weight=weight, reason="r"), r
        ).score
        self.assertGreaterEqual(s_low, s_high)
