"""佐证材料必须上传: an indicator so marked cannot be submitted without an attachment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Framework, Indicator, SelfAssessment, SelfAssessmentStatus
from assessments.services import self_assessments as sa_services
from assessments.tests.fixtures import WorkflowTestCase

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class EvidenceMandatoryTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        Indicator.objects.filter(section__framework=self.framework, code="A1").update(evidence_mandatory=True)
        self.advance_to("self_assess")
        self.sa = SelfAssessment.objects.get(
            campaign=self.campaign, target=self.county_org, indicator__code="A1"
        )
        sa_services.self_assessment_save(actor=self.county, sa=self.sa, self_score=None, narrative="")
        for sa in SelfAssessment.objects.filter(campaign=self.campaign, target=self.county_org):
            sa_services.self_assessment_save(
                actor=self.county, sa=sa, self_score=sa.indicator.max_score, narrative="已落实"
            )

    def test_it_refuses_to_submit_without_evidence_naming_the_indicator(self):
        with self.assertRaisesMessage(
            ValidationError, "指标 A1 不能提交：本指标佐证材料必须上传，尚未上传佐证材料。"
        ):
            sa_services.self_assessment_submit(actor=self.county, sa=self.sa)
        self.sa.refresh_from_db()
        self.assertEqual(self.sa.status, SelfAssessmentStatus.DRAFT)

    def test_it_submits_once_a_file_is_attached(self):
        sa_services.self_assessment_evidence_add(
            actor=self.county, sa=self.sa, files=[SimpleUploadedFile("决策目录.pdf", PDF, "application/pdf")]
        )
        sa = sa_services.self_assessment_submit(actor=self.county, sa=self.sa)
        self.assertEqual(sa.status, SelfAssessmentStatus.SUBMITTED)

    def test_it_submits_the_others_and_names_the_indicator_left_in_submit_all(self):
        done, problems = sa_services.self_assessment_submit_all(
            actor=self.county, campaign=self.campaign, target=self.county_org
        )
        self.assertEqual(done, 3)
        self.assertEqual(problems, ["A1 重大行政决策合法性审查：本指标佐证材料必须上传，尚未上传佐证材料"])
        self.assertEqual(SelfAssessment.objects.get(pk=self.sa.pk).status, SelfAssessmentStatus.DRAFT)

    def test_it_does_not_ask_evidence_of_an_indicator_not_so_marked(self):
        a2 = SelfAssessment.objects.get(campaign=self.campaign, target=self.county_org, indicator__code="A2")
        self.assertEqual(sa_services.self_assessment_submit(actor=self.county, sa=a2).status, "submitted")

    def test_it_marks_the_indicator_on_the_printed_self_assessment_form(self):
        url = reverse("notices:print_self_assessment", args=[self.campaign.pk, self.county_org.pk])
        self.assertContains(self.client_for(self.county).get(url), "（必须上传）", count=1)

    def test_it_shows_the_refusal_on_the_page(self):
        response = self.client_for(self.county).post(
            reverse("assessments:self_detail", args=[self.sa.pk]),
            {"self_score": "40", "narrative": "已落实", "action": "submit"},
            follow=True,
        )
        self.assertContains(response, "本指标佐证材料必须上传")


class EvidenceMandatoryEditorTestCase(WorkflowTestCase):
    def test_it_sets_and_clears_the_flag_in_the_indicator_form(self):
        client = self.client_for(self.office)
        draft_url = client.post(reverse("assessments:framework_new_version", args=[self.framework.pk])).url
        draft = Framework.objects.get(pk=int(draft_url.rstrip("/").split("/")[-1]))
        ind = draft.sections.get(code="A").indicators.get(code="A1")
        url = reverse("assessments:indicator_edit", args=[draft.pk, ind.pk])
        self.assertContains(client.get(url), 'name="evidence_mandatory"')
        data = {
            "section": ind.section_id,
            "code": "A1",
            "name": ind.name,
            "max_score": "40",
            "method": "deduct",
            "order": 1,
            "assessors": [self.sfj.pk],
            "evidence_mandatory": "on",
        }
        self.assertEqual(client.post(url, data).status_code, 302)
        ind.refresh_from_db()
        self.assertTrue(ind.evidence_mandatory)
        del data["evidence_mandatory"]
        client.post(url, data)
        ind.refresh_from_db()
        self.assertFalse(ind.evidence_mandatory)
        # the stranger county has no business in the editor
        self.assertIn(self.client_for(self.stranger).post(url, data).status_code, (403, 404))

    def test_it_carries_the_flag_into_a_new_version(self):
        Indicator.objects.filter(section__framework=self.framework, code="A1").update(evidence_mandatory=True)
        client = self.client_for(self.office)
        draft_url = client.post(reverse("assessments:framework_new_version", args=[self.framework.pk])).url
        draft = Framework.objects.get(pk=int(draft_url.rstrip("/").split("/")[-1]))
        self.assertTrue(draft.sections.get(code="A").indicators.get(code="A1").evidence_mandatory)
