"""Disk full on upload: a clear Chinese message, no 500, nothing half-saved.

ENOSPC is simulated in the storage itself: it writes part of the file and then
fails as a full disk does, so the test also sees that the partial file is removed."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from attachments.models import Attachment
from attachments.tests import samples
from fazhi.middleware import DatabaseUnavailableMiddleware
from fazhi.testing import BaseTestCase
from jobs.models import Job
from jobs.tests.test_user_import import xlsx_upload

MESSAGE = "磁盘空间不足，文件未保存"


def write_half_then_fail(self: FileSystemStorage, name: str, content) -> str:
    path = Path(self.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.read()[:100])
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def disk_full():
    return mock.patch.object(FileSystemStorage, "_save", write_half_then_fail)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


class DiskFullUploadTestCase(BaseTestCase):
    def upload(self, *, htmx: bool):
        data = {
            "org": self.county_org.pk,
            "list_id": "evidence-1",
            "file": [SimpleUploadedFile("a.pdf", samples.PDF)],
        }
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        with disk_full():
            return self.client_for(self.county).post(
                reverse("attachments:upload"), data, follow=not htmx, **headers
            )

    def test_it_tells_the_uploader_and_keeps_no_row_and_no_partial_file(self):
        for htmx in (True, False):
            with self.subTest(htmx=htmx):
                response = self.upload(htmx=htmx)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, MESSAGE)
                self.assertFalse(Attachment.objects.exists())
                self.assertEqual(stored_files(), [])

    def test_it_starts_no_import_job_when_the_upload_cannot_be_stored(self):
        client = self.client_for(self.sysadmin)
        with disk_full():
            response = client.post(
                reverse("jobs:user_import"),
                {"file": xlsx_upload([["zhang3", "张三", "440700-SFJ", "target", ""]])},
            )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, MESSAGE)
        self.assertFalse(Job.objects.exists())
        self.assertEqual(stored_files(), [])

    def test_it_answers_a_full_disk_met_anywhere_else_with_507_not_500(self):
        full = OSError(errno.ENOSPC, "No space left on device")
        middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
        api = middleware.process_exception(RequestFactory().post("/api/v1/notices/"), full)
        assert api is not None
        self.assertEqual(api.status_code, 507)
        error = json.loads(api.content)["error"]
        self.assertEqual(error["code"], "disk_full")
        self.assertIn(MESSAGE, error["message"])
        request = RequestFactory().post("/notices/new/")
        request.user = self.office
        page = middleware.process_exception(request, full)
        assert page is not None
        self.assertEqual(page.status_code, 507)
        self.assertIn(MESSAGE, page.content.decode())
        self.assertIsNone(middleware.process_exception(request, OSError(errno.EACCES, "denied")))


class DiskFullApiUploadTestCase(BaseTestCase):
    def test_it_answers_the_api_upload_with_a_structured_400_and_keeps_nothing(self):
        from provincial.tests.factories import framework, task

        indicator = framework(self.office).indicators.get(code="1.1")
        unit_task = task(self.office, indicator, self.sfj)
        client = APIClient()
        client.force_authenticate(self.assessor)
        upload = SimpleUploadedFile("记录.txt", "学习记录".encode(), content_type="text/plain")
        with disk_full():
            response = client.post(
                f"/api/v1/provincial/tasks/{unit_task.pk}/evidence/", {"file": upload}, format="multipart"
            )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn(MESSAGE, json.dumps(response.json(), ensure_ascii=False))
        self.assertFalse(Attachment.objects.exists())
        self.assertFalse(unit_task.evidence.exists())
        self.assertEqual(stored_files(), [])
