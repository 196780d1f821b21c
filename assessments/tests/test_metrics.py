from decimal import Decimal

from assessments.models import Score, ScoreStatus
from assessments.tests.fixtures import WorkflowTestCase
from performance import metrics


class CampaignMetricsTestCase(WorkflowTestCase):
    def test_it_counts_targets_with_scores_in_force_and_their_coverage(self):
        # The 2024 budget year carries out the 2023 campaign.
        context = metrics.MetricContext(year=2024)
        self.assertEqual(metrics.evaluate("assessments.targets_assessed", context).value, 0)
        indicator = self.framework.sections.first().indicators.first()
        Score.objects.create(
            campaign=self.campaign,
            target=self.county_org,
            indicator=indicator,
            score=Decimal("8"),
            status=ScoreStatus.APPROVED,
        )
        Score.objects.create(
            campaign=self.campaign,
            target=self.stranger_org,
            indicator=indicator,
            score=Decimal("8"),
            status=ScoreStatus.SUBMITTED,
        )
        self.assertEqual(metrics.evaluate("assessments.targets_assessed", context).value, 1)
        # 蓬江区 of the two 县（市、区） (江门市 itself and departments are not counted).
        self.assertEqual(metrics.evaluate("assessments.coverage", context).text(), "50%")

    def test_it_has_no_figure_for_a_year_without_a_campaign(self):
        self.assertIsNone(metrics.evaluate("assessments.coverage", metrics.MetricContext(year=2001)))
