"""Statistics and the facts other modules read (overdue, repeats, an org's
problems), checked against counts worked out by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fazhi.testing import make_org
from orgs.models import OrgType
from problems import selectors
from problems.models import Problem
from problems.tests.base import ProblemsTestCase, days


class StatsTestCase(ProblemsTestCase):
    def setUp(self):
        old = timezone.now() - datetime.timedelta(days=100)
        # 蓬江区: one closed, one overdue (deadline passed while rectifying), one registered
        closed = self.walk(self.register(title="甲"), "assign", "sign", "rectify_now", "accept", "close")
        late = self.walk(
            self.register(title="乙", registered_at=old, category="逐利执法"),
            "assign",
            "sign",
            "verify",
            "plan",
        )
        Problem.objects.filter(pk=late.pk).update(deadline=days(-3))
        self.register(title="丙", category="逐利执法")
        # 公安局: one dismissed, one assigned
        self.walk(self.register(org=self.gaj, title="丁", source="inspection"), "dismiss")
        self.walk(self.register(org=self.gaj, title="戊", source="inspection"), "assign")
        self.closed = closed

    def test_it_counts_by_state_source_unit_and_age_with_overdue_and_closure_rate(self):
        stats = selectors.problem_stats()
        self.assertEqual(stats.total, 5)
        self.assertEqual(
            {k: v for k, v in stats.as_json()["by_state"].items() if v},
            {"registered": 1, "assigned": 1, "rectifying": 1, "closed": 1, "dismissed": 1},
        )
        self.assertEqual(stats.as_json()["by_source"]["hotline"], 3)
        self.assertEqual(stats.as_json()["by_source"]["inspection"], 2)
        self.assertEqual(stats.as_json()["by_unit"], {"蓬江区": 3, "江门市公安局": 2})
        self.assertEqual(stats.overdue, 1)
        # 1 closed of 5 − 1 dismissed = 25.0 %
        self.assertEqual(stats.closure_rate, Decimal("25.0"))
        # open ones: 乙 registered 100 days ago, 丙 and 戊 today
        self.assertEqual(stats.by_age, {"30天以内": 2, "31–90天": 0, "91–180天": 1, "180天以上": 0})
        self.assertEqual(stats.by_category["逐利执法"], 2)
        unit = next(u for u in stats.by_unit if u.name == "蓬江区")
        self.assertEqual((unit.total, unit.open, unit.overdue, unit.closed), (3, 2, 1, 1))

    def test_it_answers_in_the_same_number_of_queries_whatever_the_number_of_problems(self):
        with CaptureQueriesContext(connection) as few:
            selectors.problem_stats()
        for n in range(10):
            self.register(org=self.stranger_org, title=f"批量问题{n}")
        with self.assertNumQueries(len(few)):
            selectors.problem_stats()

    def test_it_lists_overdue_problems_and_repeats_for_the_accountability_rules(self):
        overdue = list(selectors.overdue_problems())
        self.assertEqual([p.title for p in overdue], ["乙"])
        repeats = selectors.repeat_counts()
        self.assertEqual([(r.org_name, r.category, r.count) for r in repeats], [("蓬江区", "逐利执法", 2)])
        self.assertEqual(selectors.repeat_counts(org=self.gaj), [])

    def test_it_gives_an_orgs_problems_of_a_year_with_those_of_its_towns(self):
        town = make_org("440703002", "白沙街道", OrgType.TOWN, self.county_org)
        self.register(org=town, title="街道的问题")
        year = timezone.localdate().year
        titles = set(selectors.problems_for_org(self.county_org, year).values_list("title", flat=True))
        self.assertIn("街道的问题", titles)
        self.assertNotIn("戊", titles)
        own = set(
            selectors.problems_for_org(self.county_org, year, subtree=False).values_list("title", flat=True)
        )
        self.assertNotIn("街道的问题", own)


class DuplicatesTestCase(ProblemsTestCase):
    def test_it_points_out_a_similar_recent_clue_of_the_same_unit_only(self):
        first = self.register(title="某交警中队违规设卡查车")
        self.register(org=self.stranger_org, title="某交警中队违规设卡查车")
        again = self.register(title="某交警中队违规设卡 查车！")
        found = selectors.duplicates_of(again)
        self.assertEqual([(p.pk, score) for p, score in found], [(first.pk, 1.0)])
        self.assertEqual(selectors.likely_duplicates(org=self.county_org, title="驾驶证补领时间过长"), [])


class RemindersTestCase(ProblemsTestCase):
    def test_it_lists_deadlines_due_soon_or_passed_with_whom_to_tell(self):
        from problems.reminders import upcoming_deadlines

        soon = self.walk(self.register(title="将到期"), "assign")
        Problem.objects.filter(pk=soon.pk).update(deadline=days(3))
        late = self.walk(self.register(org=self.gaj, title="已逾期"), "assign")
        Problem.objects.filter(pk=late.pk).update(deadline=days(-2))
        far = self.walk(self.register(title="还早"), "assign")
        Problem.objects.filter(pk=far.pk).update(deadline=days(30))
        done = self.walk(self.register(title="已整改待验收"), "assign", "sign", "rectify_now")
        Problem.objects.filter(pk=done.pk).update(deadline=days(-5))
        found = upcoming_deadlines(within_days=7)
        self.assertEqual(
            [(d.title, d.days_left, d.notify) for d in found],
            [("已逾期", -2, ("unit", "office")), ("将到期", 3, ("unit",))],
        )
        self.assertIn("已逾期 2 天", found[0].message)
        self.assertEqual(found[1].url, f"/problems/{soon.pk}/")

    def test_it_gives_the_reminders_registry_the_units_deadlines_and_tells_the_office_of_overdue_ones(self):
        from notices import reminding
        from problems.reminders import deadlines

        self.assertIn("problems", [name for name, _ in reminding.sources()])
        soon = self.walk(self.register(title="将到期"), "assign")
        Problem.objects.filter(pk=soon.pk).update(deadline=days(1))
        late = self.walk(self.register(org=self.gaj, title="已逾期"), "assign")
        Problem.objects.filter(pk=late.pk).update(deadline=days(-1))
        stale = self.walk(self.register(title="早已逾期"), "assign")
        Problem.objects.filter(pk=stale.pk).update(deadline=days(-60))  # reminded long ago
        today = timezone.localdate()
        found = list(deadlines(today))
        office = (self.office.org_id,)
        self.assertEqual(
            [(d.kind, d.org_ids, reminding.current_offset(d, today)) for d in found],
            [
                ("problems.deadline", (self.gaj.pk,), reminding.OVERDUE),
                ("problems.office", office, reminding.OVERDUE),  # the day after: the office hears of it
                ("problems.deadline", (soon.org_id,), 1),
                ("problems.office", office, None),  # not overdue, not 挂牌督办: nothing for the office yet
            ],
        )
        self.assertEqual(found[0].url, f"/problems/{late.pk}/")
        self.assertTrue(found[1].title.startswith(f"{self.gaj.name}："))
