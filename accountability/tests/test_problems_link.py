"""The seam to the problem tracker; runs once the `problems` app is merged."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from accountability import problems_link, services
from accountability.tests.helpers import YEAR, AccountabilityTestCase

pytestmark = pytest.mark.skipif(not apps.is_installed("problems"), reason="the problems app is not installed")


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


class SubjectsFromProblemsTestCase(AccountabilityTestCase):
    """责 rules reach a unit with overdue or repeated problems even when it has no
    finding, no grade and no 述法 report."""

    def register(self, org, *, title: str, category: str = "", deadline=None, at=None):
        from problems import services as problem_services

        return problem_services.problem_register(
            actor=self.office,
            source="public_report",
            title=title,
            org=org,
            category=category,
            deadline=deadline,
            deadline_as_set=True,
            registered_at=at or timezone.make_aware(datetime.datetime(YEAR, 1, 10)),
        )

    def subjects(self):
        from accountability import selectors

        return {s.org.code: s for s in selectors.accountability_subjects(YEAR)}

    def test_it_takes_a_unit_with_an_overdue_problem_as_a_subject(self):
        self.register(self.county_org, title="群众反映执法不规范", deadline=datetime.date(YEAR, 2, 1))
        self.register(
            self.stranger_org,
            title="尚在整改期内",
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )
        subjects = self.subjects()
        self.assertEqual(list(subjects), [self.county_org.code])
        subject = subjects[self.county_org.code]
        self.assertIsNone(subject.leader)
        self.assertEqual(len(subject.facts.overdue_days), 1)
        created = services.actions_propose(actor=self.office, year=YEAR)
        self.assertEqual({a.org_id for a in created}, {self.county_org.pk})
        self.assertIn("rectify", {a.kind for a in created})

    def test_it_takes_a_unit_whose_problem_came_back_as_a_subject(self):
        from problems.models import Problem

        first = self.register(self.stranger_org, title="乱罚款", category="逐利执法")
        Problem.objects.filter(pk=first.pk).update(
            state="closed", closed_at=timezone.make_aware(datetime.datetime(YEAR, 2, 1))
        )
        self.assertEqual(self.subjects(), {})
        self.register(
            self.stranger_org,
            title="又乱罚款",
            category="逐利执法",
            at=timezone.make_aware(datetime.datetime(YEAR, 3, 1)),
        )
        subject = self.subjects()[self.stranger_org.code]
        self.assertEqual(subject.facts.repeated, 1)
        created = services.actions_propose(actor=self.office, year=YEAR)
        self.assertIn((self.stranger_org.pk, "criticise"), {(a.org_id, a.kind) for a in created})

    def test_it_does_not_take_a_units_problems_of_another_year(self):
        self.register(
            self.county_org,
            title="去年的问题",
            deadline=datetime.date(YEAR - 1, 2, 1),
            at=timezone.make_aware(datetime.datetime(YEAR - 1, 1, 10)),
        )
        self.assertEqual(self.subjects(), {})
