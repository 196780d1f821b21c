"""The former 整改清单 as problems: a lost point sent to 整改 from a publication
becomes a problem (source 考评失分, linked to its score), and the data migration
carries every earlier item over with its status and date."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal as D

from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import Indicator, Rectification
from assessments.services.publication import campaign_publish
from assessments.services.rectifications import rectification_create
from assessments.tests.fixtures import ResultsTestCase
from problems.models import Problem

migration = importlib.import_module("problems.migrations.0002_rectifications_become_problems")


class LostPointTestCase(ResultsTestCase):
    def test_it_sends_a_lost_point_to_the_tracker_once_linked_to_its_score(self):
        publication = campaign_publish(actor=self.office, campaign=self.campaign)
        problem = rectification_create(
            actor=self.county, publication=publication, target=self.county_org, indicator_code="A1"
        )
        self.assertEqual(
            (problem.source, problem.org, problem.state), ("assessment", self.county_org, "registered")
        )
        self.assertEqual(problem.title, "考评失分：A1 重大行政决策合法性审查（失 2 分）")
        self.assertEqual(problem.category, "法治政府建设")
        self.assertEqual(problem.source_object, self.score_of(self.county_org, "A1"))
        self.assertEqual(problem.source_ref["points_lost"], "2.00")
        self.assertEqual(problem.source_ref["year"], 2023)
        self.assertIn("A1台账不完整", problem.description)
        with self.assertRaisesMessage(ValidationError, "已列入整改清单"):
            rectification_create(
                actor=self.county, publication=publication, target=self.county_org, indicator_code="A1"
            )
        self.assertEqual(Problem.objects.count(), 1)
        self.assertFalse(Rectification.objects.exists())

    def test_it_lets_the_target_see_its_own_lost_point_but_not_act_until_assigned(self):
        publication = campaign_publish(actor=self.office, campaign=self.campaign)
        problem = rectification_create(
            actor=self.county, publication=publication, target=self.county_org, indicator_code="A1"
        )
        page = self.client_for(self.county).get(reverse("problems:detail", args=[problem.pk]))
        self.assertContains(page, "当前等待市委依法治市办办理")
        self.assertEqual(
            self.client_for(self.stranger).get(reverse("problems:detail", args=[problem.pk])).status_code, 404
        )
        self.assertContains(self.client_for(self.office).get(reverse("workbench:home")), "1 条问题线索待交办")

    def test_it_leads_the_former_rectification_list_to_the_tracker(self):
        response = self.client_for(self.county).get(
            reverse("assessments:rectification_list"), {"status": "open"}
        )
        self.assertRedirects(response, "/problems/?source=assessment&open=1", fetch_redirect_response=False)
        self.assertEqual(
            self.client_for(self.assessor).get(reverse("assessments:rectification_list")).status_code, 403
        )


class RectificationMigrationTestCase(ResultsTestCase):
    def test_it_carries_each_item_over_with_its_status_date_and_links_once(self):
        publication = campaign_publish(actor=self.office, campaign=self.campaign)
        a1 = Indicator.objects.get(section__framework=self.campaign.framework, code="A1")
        a2 = Indicator.objects.get(section__framework=self.campaign.framework, code="A2")
        open_item = Rectification.objects.create(
            publication=publication,
            target=self.county_org,
            indicator=a1,
            points_lost=D("2"),
            reason="台账不完整",
            created_by=self.county,
        )
        done_item = Rectification.objects.create(
            publication=publication,
            target=self.stranger_org,
            indicator=a2,
            points_lost=D("6"),
            status="done",
            created_by=self.office,
        )
        when = timezone.now() - datetime.timedelta(days=200)
        Rectification.objects.filter(pk=open_item.pk).update(created_at=when)
        migration.forwards(apps, None)
        migration.forwards(apps, None)  # again: nothing more
        self.assertEqual(Problem.objects.count(), 2)
        first = Problem.objects.get(source_ref__rectification=open_item.pk)
        self.assertEqual((first.state, first.org, first.registered_at), ("rectifying", self.county_org, when))
        self.assertEqual(first.title, "考评失分：A1 重大行政决策合法性审查（失 2 分）")
        self.assertEqual(first.source_object, self.score_of(self.county_org, "A1"))
        self.assertEqual(first.events.get().note, f"由整改清单转入（原状态：整改中；整改项 {open_item.pk}）")
        second = Problem.objects.get(source_ref__rectification=done_item.pk)
        self.assertEqual(
            (second.state, second.source_ref["points_lost"], second.category),
            ("closed", "6.00", "法治政府建设"),
        )
        # the county now sees its carried-over item in the tracker, the other county does not
        listed = self.client_for(self.county).get(reverse("problems:list")).content.decode()
        self.assertIn("A1 重大行政决策合法性审查", listed)
        self.assertNotIn("A2 行政执法规范化", listed)
        migration.backwards(apps, None)
        self.assertFalse(Problem.objects.exists())
