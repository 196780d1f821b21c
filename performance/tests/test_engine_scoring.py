from __future__ import annotations

import dataclasses
import unittest
from decimal import Decimal

from performance.engine import ERROR, INFO, load_rule_set, score_evaluation, score_indicator
from performance.tests.engine_helpers import D, balanced_evaluation, codes, indicator, seed_evaluation


class SeedProjectTestCase(unittest.TestCase):
    def setUp(self):
        self.result = score_evaluation(seed_evaluation())

    def test_it_computes_the_seed_execution_rate_and_score(self):
        self.assertEqual(self.result.execution_rate, D("50.12"))
        self.assertEqual(self.result.execution_score, D("5.01"))

    def test_it_caps_the_seed_total_at_95_01(self):
        self.assertEqual(self.result.max_total, D("95.01"))
        self.assertEqual(self.result.total, D("92.01"))
        self.assertEqual(self.result.grade, "优")

    def test_it_finds_the_declared_97_above_the_maximum(self):
        finding = next(f for f in self.result.findings if f.code == "TOTAL_ABOVE_MAX")
        self.assertEqual(finding.severity, ERROR)
        self.assertIsNone(finding.indicator)
        for part in ("97分", "95.01分", "50.12%", "5.01分", "财预〔2020〕10号"):
            self.assertIn(part, finding.message)

    def test_it_finds_the_execution_score_declared_in_full(self):
        self.assertIn("EXECUTION_SCORE_ABOVE_RULE", codes(self.result))
        self.assertIn("EXECUTION_LOW_NO_REASON", codes(self.result))

    def test_it_gives_the_cli_json_shape(self):
        data = self.result.as_dict()
        self.assertEqual(data["execution_rate"], 50.12)
        self.assertEqual(data["execution_score"], 5.01)
        self.assertEqual(data["max_total"], 95.01)
        self.assertEqual(data["declared_total"], 97)
        self.assertEqual(
            set(data["indicators"][0]) >= {"name", "weight", "declared_score", "score", "findings"}, True
        )
        self.assertTrue(all(set(f) >= {"code", "indicator", "message"} for f in data["findings"]))


class ExecutionTestCase(unittest.TestCase):
    def result(self, adjusted, executed, **kw):
        return score_evaluation(
            balanced_evaluation(
                [indicator(weight=90)], budget_adjusted=adjusted, budget_executed=executed, **kw
            )
        )

    def test_it_caps_the_execution_score_at_100_percent(self):
        result = self.result(D(100), D(120))
        self.assertEqual((result.execution_rate, result.execution_score), (D(120), D(10)))
        self.assertIn("EXECUTION_ABOVE_BUDGET", codes(result))

    def test_it_needs_a_reason_below_90_percent(self):
        self.assertIn("EXECUTION_LOW_NO_REASON", codes(self.result(D(100), D("89.99"))))
        self.assertNotIn("EXECUTION_LOW_NO_REASON", codes(self.result(D(100), D(90))))
        explained = self.result(D(100), D(50), execution_reason="项目采购延期至次年")
        self.assertNotIn("EXECUTION_LOW_NO_REASON", codes(explained))

    def test_it_cannot_compute_without_budget_or_execution(self):
        self.assertIn("BUDGET_MISSING", codes(self.result(None, D(1))))
        self.assertIn("BUDGET_MISSING", codes(self.result(D(0), D(1))))
        missing = self.result(D(100), None)
        self.assertIn("EXECUTION_MISSING", codes(missing))
        self.assertIsNone(missing.execution_score)
        self.assertEqual(missing.max_total, D(100))

    def test_it_rounds_the_execution_score_half_up(self):
        self.assertEqual(self.result(D(1000), D("500.5")).execution_score, D("5.01"))
        self.assertEqual(self.result(D(1000), D("500.4")).execution_score, D("5.00"))


class QuantitativeTestCase(unittest.TestCase):
    def score(self, target, actual, weight=10, rules=None, **kw):
        return score_indicator(indicator(target=target, actual=actual, weight=weight, **kw), rules)

    def test_it_scores_positive_indicators_by_completion(self):
        self.assertEqual(self.score("≥12人", "12人").score, D(10))
        self.assertEqual(self.score("≥12人", "15人", reason="超额").score, D(10))
        self.assertEqual(self.score("≥12人", "9人", reason="r").score, D("7.50"))
        self.assertEqual(self.score("≥12人", "-3人", reason="r").score, D(0))
        self.assertEqual(self.score("≥12人", "9人").kind, "正向")

    def test_it_rounds_to_two_decimals(self):
        self.assertEqual(self.score("≥3", "1", reason="r").score, D("3.33"))
        self.assertEqual(self.score("≥3", "2", reason="r").score, D("6.67"))

    def test_it_scores_negative_indicators_linearly_to_twice_the_target(self):
        self.assertEqual(self.score("≤30天", "30天").score, D(10))
        self.assertEqual(self.score("≤30天", "20天").score, D(10))
        self.assertEqual(self.score("≤30天", "45天", reason="r").score, D(5))
        self.assertEqual(self.score("≤30天", "60天", reason="r").score, D(0))
        self.assertEqual(self.score("≤30天", "90天", reason="r").score, D(0))
        self.assertEqual(self.score("≤30天", "45天").kind, "反向")

    def test_it_scores_negative_indicators_by_ratio_in_the_other_rule_set(self):
        ratio = load_rule_set("reverse-ratio")
        self.assertEqual(self.score("≤30天", "45天", reason="r", rules=ratio).score, D("6.67"))
        self.assertEqual(self.score("≤30天", "90天", reason="r", rules=ratio).score, D("3.33"))
        self.assertEqual(self.score("≤30天", "30天", rules=ratio).score, D(10))

    def test_it_scores_a_zero_negative_target(self):
        self.assertEqual(self.score("≤0起", "0起").score, D(10))
        self.assertEqual(self.score("≤0起", "1起", reason="r").score, D(0))

    def test_it_scores_equal_targets_as_positive_or_zero(self):
        self.assertEqual(self.score("7个", "7个").score, D(10))
        self.assertEqual(self.score("7个", "6个", reason="r").score, D("8.57"))
        self.assertEqual(self.score("=0起", "0起").score, D(10))
        self.assertEqual(self.score("=0起", "-1起").score, D(10))
        self.assertEqual(self.score("=0起", "1起", reason="r").score, D(0))
        self.assertEqual(self.score("7个", "7").kind, "等于")

    def test_it_flags_an_actual_far_above_target_without_a_reason(self):
        self.assertIn("HIGH_NO_REASON", codes(self.score("≥10人", "13人")))
        self.assertNotIn("HIGH_NO_REASON", codes(self.score("≥10人", "12.9人")))
        self.assertNotIn("HIGH_NO_REASON", codes(self.score("≥10人", "13人", reason="新增一批专家")))

    def test_it_flags_a_shortfall_without_a_reason(self):
        self.assertIn("SHORTFALL_NO_REASON", codes(self.score("≥10人", "9人")))
        self.assertNotIn("SHORTFALL_NO_REASON", codes(self.score("≥10人", "9人", reason="一人退出")))

    def test_it_cannot_score_a_missing_actual(self):
        for actual in (None, "", "  "):
            result = self.score("≥10人", actual)
            self.assertIsNone(result.score)
            self.assertEqual(codes(result), ["ACTUAL_MISSING"])

    def test_it_cannot_score_an_actual_that_repeats_the_target(self):
        result = self.score("≥266米", "≥266米")
        self.assertIsNone(result.score)
        self.assertEqual(codes(result), ["ACTUAL_REPEATS_TARGET"])

    def test_it_cannot_score_an_actual_that_is_not_a_number(self):
        result = self.score("≥10人", "已完成")
        self.assertIsNone(result.score)
        self.assertEqual(codes(result), ["ACTUAL_NOT_NUMBER"])

    def test_it_cannot_score_without_a_target(self):
        result = self.score("", "10人")
        self.assertIsNone(result.score)
        self.assertEqual(codes(result), ["TARGET_MISSING"])

    def test_it_flags_units_that_differ(self):
        self.assertIn("UNIT_MISMATCH", codes(self.score("≥10人", "10%")))
        self.assertNotIn("UNIT_MISMATCH", codes(self.score("7个县（市、区）", "7个")))

    def test_it_compares_the_declared_score_with_the_rules(self):
        above = self.score("≥12人", "9人", declared=10, reason="r")
        self.assertEqual([(f.code, f.severity) for f in above.findings], [("SCORE_ABOVE_RULE", ERROR)])
        self.assertIn("7.5分", above.findings[0].message)
        below = self.score("≥12人", "12人", declared=8)
        self.assertEqual([(f.code, f.severity) for f in below.findings], [("SCORE_BELOW_RULE", INFO)])
        over = self.score("≥12人", "12人", declared=11)
        self.assertEqual(codes(over), ["SCORE_ABOVE_WEIGHT"])


class QualitativeTestCase(unittest.TestCase):
    def score(self, actual, declared, weight=15, reason=""):
        return score_indicator(
            indicator(target="有提高", actual=actual, weight=weight, declared=declared, reason=reason)
        )

    def test_it_keeps_a_declared_score_inside_its_band(self):
        result = self.score("达成年度指标", 13)
        self.assertEqual((result.kind, result.score, result.band), ("定性", D(13), "达成年度指标"))
        self.assertEqual(result.findings, [])

    def test_it_finds_and_clamps_a_declared_score_outside_its_band(self):
        result = self.score("部分达成年度指标并具有一定效果", 14, reason="部分县区未完成")
        self.assertEqual(codes(result), ["QUAL_OUT_OF_BAND"])
        self.assertEqual(result.score, D("11.99"))  # [60%, 80%) of 15 = [9, 12)
        low = self.score("达成年度指标", 5)
        self.assertEqual((codes(low), low.score), (["QUAL_OUT_OF_BAND"], D(12)))

    def test_it_treats_the_upper_bound_of_a_lower_band_as_outside(self):
        self.assertEqual(codes(self.score("部分达成", 12, reason="r")), ["QUAL_OUT_OF_BAND"])
        self.assertEqual(codes(self.score("部分达成", 9, reason="r")), [])
        self.assertEqual(codes(self.score("达成年度指标", 12)), [])

    def test_it_uses_the_top_of_the_band_without_a_declared_score(self):
        result = self.score("未达成年度指标且效果较差", None, reason="r")
        self.assertEqual(result.score, D("8.99"))
        self.assertEqual(codes(result), ["QUAL_NOT_DECLARED"])

    def test_it_cannot_score_an_actual_without_a_band(self):
        result = self.score("获评优秀等次", 15)
        self.assertIsNone(result.score)
        self.assertEqual(codes(result), ["QUAL_NO_BAND"])

    def test_it_asks_for_a_reason_below_the_top_band(self):
        self.assertIn("SHORTFALL_NO_REASON", codes(self.score("部分达成", 10)))


class WeightsAndTotalsTestCase(unittest.TestCase):
    def full(self, weights, **kw):
        return [indicator(f"指标{i}", "≥1", "1", w, w, **kw) for i, w in enumerate(weights)]

    def test_it_finds_no_weight_problem_in_the_default_split(self):
        inds = self.full([50]) + self.full([30], level1="效益指标") + self.full([10], level1="满意度指标")
        result = score_evaluation(balanced_evaluation(inds, declared_total=D(100)))
        self.assertEqual(result.findings, [])
        self.assertEqual((result.total, result.max_total, result.grade), (D(100), D(100), "优"))

    def test_it_finds_level1_weights_that_do_not_match(self):
        inds = self.full([60]) + self.full([30], level1="效益指标")
        result = score_evaluation(balanced_evaluation(inds))
        messages = [f.message for f in result.findings if f.code == "WEIGHT_LEVEL1"]
        self.assertEqual(len(messages), 2)
        self.assertIn("产出指标分值合计60分", messages[0])
        self.assertIn("未设置满意度指标", messages[1])
        self.assertNotIn("WEIGHT_TOTAL", codes(result))

    def test_it_finds_weights_that_do_not_add_up_to_100(self):
        result = score_evaluation(balanced_evaluation(self.full([50]) + self.full([20], level1="效益指标")))
        self.assertIn("WEIGHT_TOTAL", codes(result))

    def test_it_finds_an_unknown_level1(self):
        result = score_evaluation(balanced_evaluation(self.full([90], level1="成本指标")))
        self.assertIn("LEVEL1_UNKNOWN", codes(result))

    def test_it_rescales_when_an_indicator_does_not_apply(self):
        inds = [
            indicator("甲", "≥10", "5", 45, reason="r"),
            indicator("乙", "≥10", "10", 45, applicable=False),
        ]
        result = score_evaluation(balanced_evaluation(inds))
        self.assertEqual(result.indicators[1].kind, "不适用")
        self.assertEqual(result.total, D(10) + D("22.5") * 2)
        self.assertEqual(result.max_total, D(100))

    def test_it_can_leave_out_without_rescaling(self):
        rules = dataclasses.replace(load_rule_set(), rescale_not_applicable=False)
        inds = [
            indicator("甲", "≥10", "5", 45, reason="r"),
            indicator("乙", "≥10", "10", 45, applicable=False),
        ]
        result = score_evaluation(balanced_evaluation(inds), rules)
        self.assertEqual((result.total, result.max_total), (D("32.5"), D(55)))

    def test_it_counts_an_unscorable_indicator_as_zero_but_keeps_its_weight_in_the_maximum(self):
        inds = [indicator("甲", "≥10", None, 90)]
        result = score_evaluation(balanced_evaluation(inds))
        self.assertEqual((result.total, result.max_total), (D(10), D(100)))

    def test_it_finds_a_declared_total_that_differs_or_does_not_add_up(self):
        inds = [indicator("甲", "≥10", "10", 90, 85)]
        result = score_evaluation(
            balanced_evaluation(inds, declared_total=D(99), declared_execution_score=D(10))
        )
        self.assertIn("TOTAL_MISMATCH", codes(result))
        self.assertIn("DECLARED_SUM_MISMATCH", codes(result))

    def test_it_finds_narrative_that_claims_full_completion(self):
        inds = [indicator("甲", "≥10", "8", 90, reason="r")]
        result = score_evaluation(balanced_evaluation(inds, narrative="全面完成了各项工作任务"))
        finding = next(f for f in result.findings if f.code == "NARRATIVE_OVERSTATES")
        self.assertIn("甲", finding.message)
        ok = score_evaluation(balanced_evaluation([indicator("甲", "≥10", "10", 90)], narrative="全面完成"))
        self.assertNotIn("NARRATIVE_OVERSTATES", codes(ok))

    def test_it_finds_no_indicators(self):
        self.assertIn("NO_INDICATORS", codes(score_evaluation(balanced_evaluation([]))))

    def test_it_totals_to_two_decimals(self):
        inds = [indicator("甲", "≥3", "1", 45, reason="r"), indicator("乙", "≥3", "2", 45, reason="r")]
        result = score_evaluation(balanced_evaluation(inds))
        self.assertEqual(result.total, D(10) + D(15) + D(30))
        self.assertIsInstance(result.total, Decimal)
