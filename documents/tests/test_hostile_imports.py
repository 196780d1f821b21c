"""Every import path refuses a hostile workbook (or document) with a Chinese
message and saves nothing: the 自评表 (new project and into a draft), the
考评办法, 社会评议, the 迎检 indicators, the user import job and OOXML uploads.

The sparse workbook (cells at A1 and XFD1048576) aborted the whole process
before: calamine allocated the full grid."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from assessments.models import Framework, SocialEvaluation
from assessments.tests.fixtures import ResultsTestCase
from attachments.models import Attachment
from attachments.services import attachment_create
from documents.tests import hostile
from fazhi.testing import BaseTestCase
from jobs.models import Job, JobStatus
from performance.models import BudgetProject, Indicator
from performance.tests.fixtures import make_project
from provincial.models import ProvincialFramework
from provincial.tests.factories import framework as provincial_framework
from provincial.tests.factories import task as provincial_task

FAR = "XFD1048576"


def upload(data: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


class PerformanceImportTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.sfj)
        self.client = self.client_for(self.assessor)

    def test_it_refuses_a_hostile_table_into_a_draft_and_keeps_the_draft(self):
        url = reverse("performance:project_import", args=[self.project.pk])
        before = list(Indicator.objects.filter(project=self.project).values_list("pk", "version"))
        for data, message in (
            (hostile.far_cells_xlsx(), FAR),
            (hostile.bomb_xlsx(text=True), "压缩炸弹"),
            (hostile.bomb_xlsx(declared=4096), "超过了它声明的大小"),
            (hostile.wide_xlsx(6000, 3), "最多 5,000 行"),
        ):
            response = self.client.post(url, {"file": upload(data)})
            self.assertContains(response, message)
        after = list(Indicator.objects.filter(project=self.project).values_list("pk", "version"))
        self.assertEqual(after, before)

    def test_it_refuses_a_hostile_table_as_a_new_project(self):
        response = self.client_for(self.office).post(
            reverse("performance:project_import_new"),
            {"file": upload(hostile.far_cells_xlsx()), "org": str(self.gaj.pk)},
        )
        self.assertContains(response, FAR)
        self.assertEqual(BudgetProject.objects.count(), 1)


class AssessmentsImportTestCase(ResultsTestCase):
    def test_it_refuses_a_hostile_framework_file(self):
        client = self.client_for(self.office)
        before = Framework.objects.count()
        for data, message in ((hostile.far_cells_xlsx(), FAR), (hostile.bomb_xlsx(), "压缩炸弹")):
            response = client.post(
                reverse("assessments:framework_import"),
                {"year": 2024, "name": "导入", "total_score": "100", "file": upload(data)},
            )
            self.assertContains(response, message)
        self.assertEqual(Framework.objects.count(), before)

    def test_it_refuses_a_hostile_social_evaluation_file(self):
        url = reverse("assessments:social", args=[self.campaign.pk])
        response = self.client_for(self.office).post(url, {"file": upload(hostile.far_cells_xlsx())})
        self.assertContains(response, FAR, status_code=400)
        self.assertFalse(SocialEvaluation.objects.exists())


class ProvincialImportTestCase(BaseTestCase):
    def test_it_refuses_a_hostile_indicator_file(self):
        client = self.client_for(self.office)
        for data, message in ((hostile.far_cells_xlsx(), FAR), (hostile.bomb_xlsx(text=True), "压缩炸弹")):
            response = client.post(
                "/provincial/frameworks/import/",
                {"year": 2024, "name": "法治广东建设考评指标体系", "file": upload(data)},
            )
            self.assertContains(response, message)
        self.assertFalse(ProvincialFramework.objects.exists())


class UserImportTestCase(BaseTestCase):
    def test_it_fails_the_job_with_the_reason_and_creates_nobody(self):
        client = self.client_for(self.sysadmin)
        users = User.objects.count()
        client.post(reverse("jobs:user_import"), {"file": upload(hostile.far_cells_xlsx(), "用户.xlsx")})
        job = Job.objects.get()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn(FAR, job.message)
        self.assertContains(client.get(reverse("jobs:detail", args=[job.pk])), FAR)
        self.assertEqual(User.objects.count(), users)

    def test_it_refuses_a_zip_bomb_in_the_form(self):
        response = self.client_for(self.sysadmin).post(
            reverse("jobs:user_import"), {"file": upload(hostile.bomb_xlsx(), "用户.xlsx")}
        )
        self.assertContains(response, "压缩炸弹")
        self.assertFalse(Job.objects.exists())


class UploadTestCase(BaseTestCase):
    def test_it_refuses_a_docx_zip_bomb_and_stores_nothing(self):
        for data in (hostile.bomb_docx(), hostile.bomb_docx(declared=2048)):
            with self.assertRaises(ValidationError) as ctx:
                attachment_create(
                    actor=self.county, uploaded_file=upload(data, "自评报告.docx"), org=self.county_org
                )
            self.assertIn("word/document.xml", ctx.exception.messages[0])
        self.assertFalse(Attachment.objects.exists())

    def test_it_refuses_a_docx_zip_bomb_sent_to_the_api_as_evidence(self):
        framework = provincial_framework(self.office)
        unit_task = provincial_task(self.office, framework.indicators.get(code="1.1"), self.sfj)
        client = APIClient()
        client.force_authenticate(self.assessor)
        response = client.post(
            f"/api/v1/provincial/tasks/{unit_task.pk}/evidence/",
            {"file": upload(hostile.bomb_docx(), "工作总结.docx")},
            format="multipart",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("压缩炸弹", json.dumps(response.json()["error"], ensure_ascii=False))
        self.assertFalse(Attachment.objects.exists())
