"""The seam to the problem tracker; runs once the `problems` app is merged."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from accountability import problems_link, services
from accountability.tests.helpers import YEAR, AccountabilityTestCase

pytestmark = pytest.mark.skipif(not apps.is_installed("problems"), reason="problems app not merged yet")


class ProblemsLinkTestCase(AccountabilityTestCase):
    def finding(self):
        plan = services.inspection_plan_create(
            actor=self.office,
            year=YEAR,
            topic="综合督察",
            start_on=datetime.date(YEAR, 1, 1),
            end_on=datetime.date(YEAR, 1, 31),
            targets=[self.county_org],
            team=[self.assessor],
        )
        return services.finding_create(
            actor=self.office,
            plan=plan,
            target=self.county_org,
            text="执法案卷不规范",
            severity="serious",
            deadline=datetime.date(YEAR, 2, 1),
        )

    def test_it_opens_a_finding_as_a_problem_once(self):
        finding = self.finding()
        problem = problems_link.finding_open_problem(actor=self.office, finding=finding)
        again = problems_link.finding_open_problem(actor=self.office, finding=finding)
        self.assertEqual(problem.pk, again.pk)
        finding.refresh_from_db()
        self.assertEqual(finding.problem_id, problem.pk)

    def test_it_reads_the_overdue_problem_and_proposes_rectification(self):
        finding = self.finding()
        problems_link.finding_open_problem(actor=self.office, finding=finding)
        days = problems_link.overdue_days(org=self.county_org, year=YEAR, today=datetime.date(YEAR, 3, 3))
        self.assertEqual(days, (30,))
        created = services.actions_propose(actor=self.office, year=YEAR)
        self.assertIn("rectify", [a.kind for a in created])

    def test_it_counts_a_problem_that_came_back_and_proposes_criticism(self):
        from problems import services as problem_services
        from problems.models import Problem

        finding = self.finding()
        first = problems_link.finding_open_problem(
            actor=self.office, finding=finding, at=timezone.make_aware(datetime.datetime(YEAR, 1, 10))
        )
        self.assertEqual(problems_link.repeated_count(org=self.county_org, year=YEAR), 0)
        Problem.objects.filter(pk=first.pk).update(
            state="closed", closed_at=timezone.make_aware(datetime.datetime(YEAR, 2, 1))
        )
        again = problem_services.problem_register(
            actor=self.office,
            source="inspection",
            title="执法案卷又不规范",
            org=self.county_org,
            category=first.category,
            registered_at=timezone.make_aware(datetime.datetime(YEAR, 3, 1)),
        )
        self.assertEqual(problems_link.repeated_count(org=self.county_org, year=YEAR), 1)
        self.assertEqual(problems_link.repeated_count(org=self.stranger_org, year=YEAR), 0)
        created = services.actions_propose(actor=self.office, year=YEAR)
        criticise = next(a for a in created if a.kind == "criticise")
        self.assertIn("1 个问题反复出现", criticise.basis)
        Problem.objects.filter(pk=again.pk).update(state="dismissed")
        self.assertEqual(problems_link.repeated_count(org=self.county_org, year=YEAR), 0)
