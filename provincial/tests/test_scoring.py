from decimal import Decimal
from unittest import TestCase

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provincial.scoring import TaskScore, framework_expected, indicator_expected, task_expected

D = Decimal


class ExpectedScoreTestCase(TestCase):
    def test_it_prefers_the_reviewed_score_over_the_estimate(self):
        self.assertEqual(task_expected(TaskScore(reviewed=D("2"), estimate=D("4")), D("4")), D("2"))

    def test_it_uses_the_estimate_without_a_review(self):
        self.assertEqual(task_expected(TaskScore(estimate=D("3.5")), D("4")), D("3.5"))

    def test_it_counts_nothing_without_either(self):
        self.assertEqual(task_expected(TaskScore(), D("4")), D("0"))

    def test_it_never_goes_above_the_max_score(self):
        self.assertEqual(task_expected(TaskScore(estimate=D("9")), D("4")), D("4"))

    def test_it_gives_zero_to_an_indicator_without_tasks(self):
        self.assertEqual(indicator_expected(D("5"), []), D("0"))

    def test_it_adds_up_the_losses_of_the_parts(self):
        tasks = [TaskScore(estimate=D("4.5")), TaskScore(reviewed=D("4"))]
        self.assertEqual(indicator_expected(D("5"), tasks), D("3.50"))

    def test_it_floors_the_indicator_at_zero(self):
        self.assertEqual(
            indicator_expected(D("2"), [TaskScore(estimate=D("0")), TaskScore(estimate=D("0"))]), D("0")
        )


scores = st.decimals(min_value=-10, max_value=200, places=2, allow_nan=False, allow_infinity=False)
maybe = st.one_of(st.none(), scores)
tasks = st.lists(st.builds(TaskScore, reviewed=maybe, estimate=maybe), max_size=4)
indicators = st.lists(st.tuples(st.decimals(min_value=0, max_value=50, places=2), tasks), max_size=15)


# generation is cheap but the CI machine may be busy: no timing checks
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@relaxed
@given(indicators)
def test_expected_total_never_exceeds_the_framework_total_and_is_never_negative(rows):
    total = framework_expected(rows)
    assert D("0") <= total <= sum((m for m, _ in rows), D("0"))


@relaxed
@given(st.decimals(min_value=0, max_value=50, places=2), tasks)
def test_each_indicator_stays_within_zero_and_its_max_score(max_score, its):
    assert D("0") <= indicator_expected(max_score, its) <= max_score


@relaxed
@given(st.decimals(min_value=0, max_value=50, places=2), tasks, maybe)
def test_a_better_review_never_lowers_the_indicator(max_score, its, better):
    if not its or better is None:
        return
    worse = [TaskScore(reviewed=D("0"))] + its[1:]
    improved = [TaskScore(reviewed=better)] + its[1:]
    assert indicator_expected(max_score, improved) >= indicator_expected(max_score, worse)
