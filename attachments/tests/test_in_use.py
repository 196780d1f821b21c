from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachments import services
from attachments.models import Attachment
from attachments.services import attachment_create
from attachments.tests import samples
from fazhi.testing import BaseTestCase


class InUseTestCase(BaseTestCase):
    def setUp(self):
        self.photo = attachment_create(
            actor=self.county,
            uploaded_file=SimpleUploadedFile("现场照片.png", samples.png()),
            org=self.county_org,
        )
        self.held = {self.photo.pk}

        def check(attachment):
            return "已作为已提交自评的佐证材料" if attachment.pk in self.held else None

        self.check = check
        services.register_in_use(check)

    def tearDown(self):
        services._in_use_checks.remove(self.check)

    def test_it_refuses_to_delete_a_file_held_as_submitted_evidence(self):
        url = reverse("attachments:delete", args=[self.photo.pk])
        response = self.client_for(self.county).post(url, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 409)
        self.assertIn("不能删除", response.content.decode())
        self.assertTrue(Attachment.objects.filter(pk=self.photo.pk).exists())

    def test_it_deletes_once_the_file_is_released(self):
        self.held.clear()
        response = self.client_for(self.county).post(reverse("attachments:delete", args=[self.photo.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Attachment.objects.filter(pk=self.photo.pk).exists())
