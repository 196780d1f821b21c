"""The pure 评/考/责 rules, with values worked by hand."""

from __future__ import annotations

import datetime
import unittest
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountability import linkage
from accountability.linkage import (
    BASIC,
    CRITICISE,
    RECTIFY,
    SATISFIED,
    TALK,
    TRANSFER,
    UNSATISFIED,
    Facts,
    FindingFact,
    aggregate,
    finding_deduction,
    propose_actions,
    unsatisfied_percent,
)

D = Decimal


class AggregateTestCase(unittest.TestCase):
    def test_it_averages_counts_and_shares(self):
        summary = aggregate([(SATISFIED, 90), (BASIC, 75), (UNSATISFIED, 50)])
        self.assertEqual(summary.count, 3)
        self.assertEqual(summary.mean, D("71.67"))  # 215 / 3 = 71.666…
        self.assertEqual(summary.counts, {SATISFIED: 1, BASIC: 1, UNSATISFIED: 1})
        self.assertEqual(summary.unsatisfied_share, D("0.33"))

    def test_it_gives_the_unsatisfied_percent_from_the_counts(self):
        ratings = [(UNSATISFIED, 50)] * 3 + [(SATISFIED, 90)] * 11
        self.assertEqual(unsatisfied_percent(aggregate(ratings)), D("21.4"))  # not 21.0
        self.assertEqual(unsatisfied_percent(aggregate([])), D("0.0"))

    def test_it_has_no_mean_without_ratings(self):
        summary = aggregate([])
        self.assertIsNone(summary.mean)
        self.assertEqual(summary.unsatisfied_share, D("0.00"))

    def test_it_refuses_an_unknown_grade_or_a_score_outside_0_100(self):
        with self.assertRaises(ValueError):
            aggregate([("优秀", 90)])
        with self.assertRaises(ValueError):
            aggregate([(SATISFIED, 101)])

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.sampled_from(linkage.GRADES), st.integers(0, 100)), max_size=40))
    def test_it_keeps_the_mean_within_the_scores_and_counts_every_rating(self, ratings):
        summary = aggregate(ratings)
        self.assertEqual(sum(summary.counts.values()), len(ratings))
        if ratings:
            assert summary.mean is not None
            self.assertGreaterEqual(summary.mean, min(s for _, s in ratings))
            self.assertLessEqual(summary.mean, max(s for _, s in ratings))
            self.assertTrue(D(0) <= summary.unsatisfied_share <= D(1))


class FindingDeductionTestCase(unittest.TestCase):
    def test_it_deducts_by_severity_and_halves_rectified_in_time(self):
        facts = [
            FindingFact(linkage.GENERAL),  # 0.5
            FindingFact(linkage.SERIOUS),  # 1
            FindingFact(linkage.GRAVE, rectified_in_time=True),  # 2 / 2 = 1
        ]
        self.assertEqual(finding_deduction(facts, cap=D(5)), D("2.50"))

    def test_it_caps_the_deduction_at_the_indicator_points(self):
        facts = [FindingFact(linkage.GRAVE)] * 4  # 8 points
        self.assertEqual(finding_deduction(facts, cap=D(5)), D("5.00"))

    def test_it_deducts_nothing_without_findings(self):
        self.assertEqual(finding_deduction([], cap=D(5)), D("0.00"))

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from([linkage.GENERAL, linkage.SERIOUS, linkage.GRAVE]), max_size=30))
    def test_it_never_exceeds_the_cap_and_grows_with_findings(self, severities):
        facts = [FindingFact(s) for s in severities]
        lost = finding_deduction(facts, cap=D(5))
        self.assertLessEqual(lost, D(5))
        self.assertLessEqual(lost, finding_deduction([*facts, FindingFact(linkage.GENERAL)], cap=D(5)))


def kinds(facts: Facts) -> list[str]:
    return [p.kind for p in propose_actions(facts)]


class ProposeActionsTestCase(unittest.TestCase):
    def test_it_proposes_nothing_for_a_good_year(self):
        self.assertEqual(kinds(Facts(grade="优秀", ratings=aggregate([(SATISFIED, 95)]))), [])

    def test_it_proposes_a_talk_for_grade_fair(self):
        self.assertEqual(kinds(Facts(grade="一般")), [TALK])

    def test_it_proposes_talk_and_criticism_for_grade_fail(self):
        self.assertEqual(kinds(Facts(grade="不合格")), [TALK, CRITICISE])

    def test_it_proposes_a_talk_when_a_third_rate_unsatisfied(self):
        ratings = aggregate([(UNSATISFIED, 50), (SATISFIED, 90), (BASIC, 80)])
        proposals = propose_actions(Facts(ratings=ratings))
        self.assertEqual([p.kind for p in proposals], [TALK])
        self.assertIn("不满意占 33%", proposals[0].reason)

    def test_it_proposes_no_talk_below_a_third_unsatisfied(self):
        ratings = aggregate([(UNSATISFIED, 50), (SATISFIED, 90), (BASIC, 80), (SATISFIED, 88)])
        self.assertEqual(kinds(Facts(ratings=ratings)), [])

    def test_it_proposes_criticism_when_most_rate_unsatisfied(self):
        ratings = aggregate([(UNSATISFIED, 50), (UNSATISFIED, 55), (SATISFIED, 90)])
        self.assertEqual(kinds(Facts(ratings=ratings)), [TALK, CRITICISE])

    def test_it_orders_rectification_for_an_overdue_problem(self):
        proposals = propose_actions(Facts(overdue_days=(10,)))
        self.assertEqual([p.kind for p in proposals], [RECTIFY])
        self.assertEqual(proposals[0].reason, "1 个问题逾期未整改")

    def test_it_criticises_a_problem_overdue_more_than_90_days(self):
        self.assertEqual(kinds(Facts(overdue_days=(91,))), [CRITICISE, RECTIFY])
        self.assertEqual(kinds(Facts(overdue_days=(90,))), [RECTIFY])

    def test_it_transfers_a_failing_unit_with_overdue_problems(self):
        self.assertEqual(
            kinds(Facts(grade="不合格", overdue_days=(5,))), [TALK, CRITICISE, RECTIFY, TRANSFER]
        )

    def test_it_transfers_three_repeated_problems(self):
        self.assertEqual(kinds(Facts(repeated=2)), [CRITICISE])
        self.assertEqual(kinds(Facts(repeated=3)), [CRITICISE, TRANSFER])

    def test_it_joins_every_reason_of_one_kind(self):
        proposals = propose_actions(Facts(grade="不合格", repeated=1))
        criticise = next(p for p in proposals if p.kind == CRITICISE)
        self.assertEqual(criticise.reason, "考评等次为不合格；1 个问题反复出现")
        self.assertEqual(criticise.label, "通报批评")


class RepeatedProblemsTestCase(unittest.TestCase):
    """A problem comes back: the same category registered again at the unit
    within a year after an earlier one was closed."""

    def fact(self, category: str, registered: str, closed: str | None = None) -> linkage.ProblemFact:
        return linkage.ProblemFact(
            category,
            datetime.date.fromisoformat(registered),
            datetime.date.fromisoformat(closed) if closed else None,
        )

    def test_it_counts_a_category_registered_again_within_a_year_after_closing(self):
        facts = [
            self.fact("逐利执法", "2023-01-05", "2023-03-01"),
            self.fact("逐利执法", "2023-06-01"),  # 92 days after the close: a repeat
            self.fact("逐利执法", "2024-03-01"),  # 366 days after: outside the window
            self.fact("执法不规范", "2023-07-01"),  # another category
        ]
        self.assertEqual(linkage.repeated_problems(facts), 1)
        self.assertEqual(linkage.repeated_problems(facts, window_days=366), 2)

    def test_it_needs_the_earlier_one_closed_before_and_a_category(self):
        self.assertEqual(
            linkage.repeated_problems(
                [self.fact("逐利执法", "2023-01-05"), self.fact("逐利执法", "2023-02-01")]
            ),
            0,  # two open at once are a duplicate, not a repeat
        )
        self.assertEqual(
            linkage.repeated_problems(
                [self.fact("逐利执法", "2023-05-01", "2023-06-01"), self.fact("逐利执法", "2023-04-01")]
            ),
            0,  # registered before the other was closed
        )
        self.assertEqual(
            linkage.repeated_problems(
                [self.fact("", "2023-01-05", "2023-01-06"), self.fact("", "2023-02-01")]
            ),
            0,
        )

    def test_it_counts_only_the_repeats_of_the_year_asked(self):
        facts = [
            self.fact("逐利执法", "2022-10-01", "2022-11-01"),
            self.fact("逐利执法", "2023-01-10"),
            self.fact("逐利执法", "2022-12-01"),
        ]
        self.assertEqual(linkage.repeated_problems(facts), 2)
        self.assertEqual(linkage.repeated_problems(facts, year=2023), 1)

    def test_it_criticises_a_unit_whose_problem_came_back(self):
        facts = [self.fact("逐利执法", "2023-01-05", "2023-03-01"), self.fact("逐利执法", "2023-06-01")]
        proposals = propose_actions(Facts(repeated=linkage.repeated_problems(facts, year=2023)))
        self.assertEqual([(p.kind, p.reason) for p in proposals], [(CRITICISE, "1 个问题反复出现")])
