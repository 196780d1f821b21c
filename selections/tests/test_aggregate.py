from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from selections import aggregate

D = Decimal
score = st.decimals(min_value=0, max_value=10, places=1, allow_nan=False, allow_infinity=False)


class TrimmedMeanTestCase(SimpleTestCase):
    def test_it_drops_the_highest_and_the_lowest_from_five_scores(self):
        # (7 + 8 + 8) / 3 = 7.6667; 2 and 10 are dropped
        self.assertEqual(aggregate.trimmed_mean([D(8), D(2), D(10), D(7), D(8)]), D("7.6667"))

    def test_it_keeps_every_score_below_five(self):
        self.assertEqual(aggregate.trimmed_mean([D(2), D(10), D(9), D(7)]), D("7.0000"))
        self.assertIsNone(aggregate.trimmed_mean([]))

    @given(st.lists(score, min_size=1, max_size=15))
    def test_it_stays_within_the_lowest_and_highest_score(self, values):
        result = aggregate.trimmed_mean(values)
        self.assertGreaterEqual(result, min(values))
        self.assertLessEqual(result, max(values))

    @given(st.lists(score, min_size=1, max_size=4))
    def test_it_equals_the_mean_below_five_scores(self, values):
        self.assertEqual(aggregate.trimmed_mean(values), aggregate.q(sum(values) / len(values)))

    @given(st.lists(score, min_size=1, max_size=12), st.integers(min_value=0, max_value=11), score)
    def test_it_never_falls_when_one_score_rises(self, values, index, extra):
        index %= len(values)
        raised = list(values)
        raised[index] = max(values[index], extra)
        self.assertGreaterEqual(aggregate.trimmed_mean(raised), aggregate.trimmed_mean(values))


class ExpertTotalTestCase(SimpleTestCase):
    def test_it_weighs_the_five_criteria(self):
        scores = {"legality": D(10), "mass": D(5), "inclusive": D(5), "feasibility": D(5), "innovation": D(0)}
        self.assertEqual(aggregate.expert_total(scores, aggregate.default_weights()), D("5.0000"))
        weights = {
            "legality": D("0.4"),
            "mass": D("0.15"),
            "inclusive": D("0.15"),
            "feasibility": D("0.15"),
            "innovation": D("0.15"),
        }
        # 4 + 0.75 + 0.75 + 0.75 + 0 = 6.25
        self.assertEqual(aggregate.expert_total(scores, weights), D("6.2500"))

    def test_it_names_weights_that_do_not_add_up_to_one(self):
        weights = {**aggregate.default_weights(), "legality": D("0.3")}
        self.assertEqual(aggregate.weight_problems(weights), ["五项标准的权重之和须等于 1（现为 1.1）。"])
        self.assertEqual(aggregate.weight_problems(aggregate.default_weights()), [])

    def test_it_refuses_a_score_outside_zero_to_ten(self):
        problems = aggregate.score_problems(
            {**{c: D(5) for c in aggregate.CRITERIA_CODES}, "mass": D("10.5"), "innovation": D(-1)}
        )
        self.assertEqual(
            problems,
            {
                "mass": "「群众性」的得分须在 0 到 10 分之间。",
                "innovation": "「创新性」的得分须在 0 到 10 分之间。",
            },
        )

    @given(st.fixed_dictionaries({c: score for c in aggregate.CRITERIA_CODES}))
    def test_it_keeps_a_total_within_zero_and_ten(self, scores):
        total = aggregate.expert_total(scores, aggregate.default_weights())
        self.assertTrue(D(0) <= total <= D(10))


class DisagreementTestCase(SimpleTestCase):
    def test_it_flags_totals_spanning_more_than_the_threshold(self):
        self.assertTrue(aggregate.disagreement([D(4), D("7.1")]))
        self.assertFalse(aggregate.disagreement([D(4), D(7)]))
        self.assertFalse(aggregate.disagreement([D(9)]))


class RankTestCase(SimpleTestCase):
    def test_it_combines_expert_and_public_scores_seventy_thirty(self):
        ranked = aggregate.rank(
            [
                aggregate.Entry(1, 1, D("8.0"), 50),
                aggregate.Entry(2, 2, D("9.0"), 10),
                aggregate.Entry(3, 3, D("7.0"), 100),
            ]
        )
        # public: 5, 1, 10 → composite 7.1, 6.6, 7.9
        self.assertEqual(
            [(r.key, r.composite) for r in ranked], [(3, D("7.9000")), (1, D("7.1000")), (2, D("6.6000"))]
        )
        self.assertEqual([r.rank for r in ranked], [1, 2, 3])

    def test_it_breaks_ties_by_expert_score_then_votes_then_number(self):
        ranked = aggregate.rank(
            [
                aggregate.Entry(1, 5, D("5"), 0),
                aggregate.Entry(2, 4, D("5"), 0),
                aggregate.Entry(3, 3, D("6"), 0),
            ],
            expert_weight=D("0"),
            public_weight=D("1"),
        )
        self.assertEqual([r.key for r in ranked], [3, 2, 1])

    def test_it_gives_no_public_score_when_nobody_voted(self):
        self.assertEqual(aggregate.public_scores({1: 0, 2: 0}), {1: D(0), 2: D(0)})

    @given(st.lists(st.tuples(score, st.integers(min_value=0, max_value=500)), min_size=1, max_size=30))
    def test_it_ranks_every_entry_once_in_composite_order(self, rows):
        ranked = aggregate.rank([aggregate.Entry(i, i, e, v) for i, (e, v) in enumerate(rows)])
        self.assertEqual(sorted(r.key for r in ranked), list(range(len(rows))))
        self.assertEqual([r.rank for r in ranked], list(range(1, len(rows) + 1)))
        composites = [r.composite for r in ranked]
        self.assertEqual(composites, sorted(composites, reverse=True))
        self.assertTrue(all(D(0) <= r.public <= D(10) for r in ranked))
