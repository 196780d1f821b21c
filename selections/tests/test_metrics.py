from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from assessments.models import Campaign, Framework, Indicator, Score, Section
from performance import metrics as perf
from selections import metrics, services
from selections.models import Nomination, Phase
from selections.tests.factories import SelectionTestCase


class CompletionTestCase(SelectionTestCase):
    def setUp(self):
        edition = self.edition(year=2022, tracking_year=2023, indicator_code="5.8")
        made = self.to_vote(edition)
        self.vote(edition, made[0])
        for phase in (Phase.RANK, Phase.PUBLICITY, Phase.PUBLISHED):
            edition = self.advance(edition, phase)
        for n in Nomination.objects.filter(edition=edition, responsible_org__isnull=True):
            services.nomination_set_responsible(actor=self.office, nomination=n, org=self.sfj)
        self.advance(edition, Phase.TRACKING)
        self.county_project = Nomination.objects.get(pk=made[0].pk)  # 蓬江区's
        done = services.milestone_add(
            actor=self.office, project=self.county_project, title="建成", due=datetime.date(2023, 6, 30)
        )
        services.milestone_complete(actor=self.county, milestone=done, done_on=datetime.date(2023, 6, 1))
        other = Nomination.objects.get(pk=made[1].pk)
        services.milestone_add(actor=self.office, project=other, title="建成", due=datetime.date(2023, 6, 30))

    def test_it_reads_the_completion_of_the_projects_carried_out_that_year(self):
        city = metrics.completion(2023)
        self.assertEqual((city.projects, city.complete, city.value), (3, 1, Decimal("33.3")))
        self.assertIn("1 个逾期未完成", city.text)
        self.assertIn("来源：惠民实事模块", city.source)
        own = metrics.completion(2023, self.county_org.pk)
        self.assertEqual((own.projects, own.complete), (1, 1))
        self.assertIsNone(metrics.completion(2024))
        self.assertEqual(
            perf.evaluate("selections.completion", perf.MetricContext(2023)).value, Decimal("33.3")
        )

    def test_it_shows_the_figure_and_its_source_on_the_assessors_scoring_page_of_the_linked_indicator(self):
        framework = Framework.objects.create(year=2023, name="2023年度考评办法", total_score=Decimal("100"))
        section = Section.objects.create(framework=framework, code="五", name="加强法治建设组织领导", order=5)
        linked = Indicator.objects.create(
            section=section, code="5.8", name="法治惠民实事项目落实", max_score=Decimal("1")
        )
        other = Indicator.objects.create(section=section, code="5.7", name="其他指标", max_score=Decimal("1"))
        linked.assessors.add(self.sfj)
        other.assessors.add(self.sfj)
        campaign = Campaign.objects.create(
            year=2023, name="2023年度考评", framework=framework, phase="scoring"
        )
        campaign.targets.add(self.county_org)
        campaign.assessors.add(self.sfj)
        client = self.client_for(self.assessor)
        for indicator, shown in ((linked, True), (other, False)):
            score = Score.objects.create(campaign=campaign, target=self.county_org, indicator=indicator)
            page = client.get(reverse("assessments:score_detail", args=[score.pk]))
            self.assertEqual(page.status_code, 200)
            if shown:
                self.assertContains(page, "蓬江区承担的惠民实事项目")
                self.assertContains(page, "1 个项目中 1 个已完成全部节点（100%）")
                self.assertContains(page, "来源：惠民实事模块")
            else:
                self.assertNotContains(page, "惠民实事模块")
