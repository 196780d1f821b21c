"""Evidence of a self-assessment: uploaded through one service
(`self_assessment_evidence_add`, like the 迎检 one), kept once handed in."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import SelfAssessment, SelfAssessmentStatus
from assessments.services import self_assessments as sa_services
from assessments.tests.fixtures import WorkflowTestCase
from attachments.models import Attachment
from attachments.services import attachment_create, attachment_delete
from audit.models import AuditEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "审查意见.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class EvidenceUploadTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to("self_assess")
        self.sa = SelfAssessment.objects.get(
            campaign=self.campaign, target=self.county_org, indicator__code="A1"
        )

    def test_it_stores_and_audits_each_file_and_reports_a_refused_one(self):
        exe = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
        stored, problems = sa_services.self_assessment_evidence_add(
            actor=self.county, sa=self.sa, files=[pdf(), exe]
        )
        self.assertEqual([a.original_name for a in stored], ["审查意见.pdf"])
        self.assertEqual(len(problems), 1)
        self.assertTrue(problems[0].startswith("报告.pdf："))
        self.assertEqual(list(self.sa.evidence.values_list("original_name", flat=True)), ["审查意见.pdf"])
        self.assertEqual(
            AuditEntry.objects.filter(action="assessments.self_assessment.evidence_added").count(), 1
        )

    def test_it_refuses_a_submitted_item_or_another_unit_and_stores_nothing(self):
        SelfAssessment.objects.filter(pk=self.sa.pk).update(status=SelfAssessmentStatus.SUBMITTED)
        with self.assertRaisesMessage(ValidationError, "该项自评已提交"):
            sa_services.self_assessment_evidence_add(actor=self.county, sa=self.sa, files=[pdf()])
        with self.assertRaises(PermissionDenied):
            sa_services.self_assessment_evidence_add(actor=self.stranger, sa=self.sa, files=[pdf()])
        with self.assertRaises(PermissionDenied):
            sa_services.self_assessment_evidence_add(actor=self.office, sa=self.sa, files=[pdf()])
        self.assertFalse(Attachment.objects.exists())

    def test_it_asks_for_a_file(self):
        with self.assertRaisesMessage(ValidationError, "请选择要上传的文件。"):
            sa_services.self_assessment_evidence_add(actor=self.county, sa=self.sa, files=[])


class EvidenceInUseTestCase(WorkflowTestCase):
    def test_it_keeps_the_evidence_of_a_submitted_self_assessment(self):
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
