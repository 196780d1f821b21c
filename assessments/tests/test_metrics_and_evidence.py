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


class EvidenceInUseTestCase(WorkflowTestCase):
    def test_it_keeps_the_evidence_of_a_submitted_self_assessment(self):
        from django.core.exceptions import ValidationError
        from django.core.files.uploadedfile import SimpleUploadedFile

        from assessments.models import SelfAssessment, SelfAssessmentStatus
        from attachments.services import attachment_create, attachment_delete

        indicator = self.framework.sections.first().indicators.first()
        evidence = attachment_create(
            actor=self.county,
            uploaded_file=SimpleUploadedFile("说明.txt", "自评说明".encode()),
            org=self.county_org,
        )
        item = SelfAssessment.objects.create(
            campaign=self.campaign,
            target=self.county_org,
            indicator=indicator,
            status=SelfAssessmentStatus.SUBMITTED,
        )
        item.evidence.add(evidence)
        with self.assertRaisesMessage(ValidationError, "已作为已提交自评的佐证材料"):
            attachment_delete(actor=self.county, attachment=evidence)
        SelfAssessment.objects.filter(pk=item.pk).update(status=SelfAssessmentStatus.RETURNED)
        attachment_delete(actor=self.county, attachment=evidence)
