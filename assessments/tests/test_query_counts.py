"""The campaign pages render with a number of queries that does not depend on
how many targets and indicators there are (7 targets × 46 indicators here)."""

from __future__ import annotations

from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Score, ScoreStatus, SelfAssessment
from assessments.services import campaigns as campaign_services
from assessments.services import frameworks as fw
from assessments.tests.fixtures import WorkflowTestCase, future_deadlines
from fazhi.testing import make_org
from orgs.models import OrgType


def generated_structure(*, sections: int, per_section: int, assessor_ids: list[int]) -> list[dict]:
    total = sections * per_section
    points = [D(100) // total] * total
    points[0] += D(100) - sum(points)
    result = []
    n = 0
    for s in range(sections):
        indicators = []
        for i in range(per_section):
            indicators.append(
                {
                    "code": f"{s + 1}.{i + 1}",
                    "name": f"生成指标{s + 1}-{i + 1}",
                    "max_score": points[n],
                    "method": "deduct",
                    "assessors": [assessor_ids[n % len(assessor_ids)]],
                    "applies_to": [],
                    "rules": [
                        {
                            "code": f"{s + 1}.{i + 1}-1",
                            "text": "每发现一处问题扣0.5分",
                            "kind": "deduct",
                            "points": D("0.5"),
                        }
                    ],
                }
            )
            n += 1
        result.append({"code": str(s + 1), "name": f"板块{s + 1}", "indicators": indicators})
    return result


class ConstantQueriesTestCase(WorkflowTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        extra = [
            make_org(code, name, OrgType.COUNTY, cls.city, is_target=True)
            for code, name in (
                ("440705", "新会区"),
                ("440781", "台山市"),
                ("440783", "开平市"),
                ("440784", "鹤山市"),
                ("440785", "恩平市"),
            )
        ]
        structure = generated_structure(sections=5, per_section=9, assessor_ids=[cls.sfj.pk, cls.gaj.pk])
        structure[0]["indicators"].append(
            {**structure[0]["indicators"][0], "code": "1.10", "max_score": D(0)}
        )
        big_fw = fw.framework_import(
            actor=cls.office, structure=structure, year=2030, name="大办法", total_score=D(100)
        )
        big_fw = fw.framework_lock(actor=cls.office, framework=big_fw)
        cls.big = campaign_services.campaign_create(
            actor=cls.office,
            year=2030,
            name="七个单位四十六项",
            framework=big_fw,
            targets=[cls.county_org, cls.stranger_org, *extra],
            deadlines=future_deadlines(),
        )
        for campaign in (cls.campaign, cls.big):
            for _ in range(2):
                campaign = campaign_services.campaign_advance(
                    actor=cls.office, campaign=campaign, force=True, note="测试"
                )
        # a spread of states so every branch of the templates renders
        for i, sa in enumerate(SelfAssessment.objects.order_by("pk")):
            sa.status = ("submitted", "draft", "returned")[i % 3]
            sa.self_score = D(1)
            sa.save()
        for i, score in enumerate(Score.objects.order_by("pk")):
            if i % 4:
                score.score = D("0.5")
                score.status = (ScoreStatus.DRAFT, ScoreStatus.SUBMITTED, ScoreStatus.APPROVED)[i % 3]
                score.entered_by = (
                    cls.assessor
                    if score.indicator.assessors.filter(pk=cls.sfj.pk).exists()
                    else cls.assessor_b
                )
                score.save()

    def count(self, user, url: str) -> int:
        client = self.client_for(user)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(ctx.captured_queries)

    def test_it_has_46_indicators_and_7_targets(self):
        self.assertEqual(Score.objects.filter(campaign=self.big).count(), 7 * 46)

    def test_it_renders_the_campaign_pages_with_a_pinned_number_of_queries(self):
        pages = [  # (page, reader, queries) pinned: the same for 4 and for 46 indicators × 7 targets
            ("campaign_detail", self.office, 14),
            ("campaign_detail", self.county, 10),
            ("campaign_detail", self.assessor, 11),
            ("campaign_matrix", self.office, 9),
            ("scoring", self.office, 9),
            ("scoring", self.assessor, 12),
        ]
        for name, user, queries in pages:
            small = self.count(user, reverse(f"assessments:{name}", args=[self.campaign.pk]))
            big = self.count(user, reverse(f"assessments:{name}", args=[self.big.pk]))
            self.assertEqual((small, big), (queries, queries), f"{name} as {user.username}")

    def test_it_renders_the_self_assessment_list_with_a_pinned_number_of_queries(self):
        small = self.count(
            self.county, reverse("assessments:self_list", args=[self.campaign.pk, self.county_org.pk])
        )
        big = self.count(
            self.county, reverse("assessments:self_list", args=[self.big.pk, self.county_org.pk])
        )
        self.assertEqual((small, big), (11, 11))

    def test_it_pins_the_query_count_of_the_big_campaign_page(self):
        url = reverse("assessments:campaign_detail", args=[self.big.pk])
        client = self.client_for(self.office)
        client.get(url)
        with self.assertNumQueries(14):
            response = client.get(url)
        self.assertContains(response, "恩平市")
