import hashlib

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from attachments.models import Attachment
from attachments.services import attachment_create, attachment_delete
from attachments.tests import samples
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


class AttachmentCreateTestCase(BaseTestCase):
    def test_it_stores_the_file_under_a_generated_name_with_its_hash(self):
        data = samples.PDF
        a = attachment_create(
            actor=self.county, uploaded_file=upload("../../etc/自评报告.pdf", data), org=self.county_org
        )
        self.assertEqual(a.original_name, "自评报告.pdf")
        self.assertEqual(a.sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual(a.size, len(data))
        self.assertEqual(a.content_type, "application/pdf")
        self.assertRegex(a.file.name, rf"^attachments/\d{{4}}/\d{{2}}/{a.pk.hex}\.pdf$")
        with default_storage.open(a.file.name, "rb") as fh:
            self.assertEqual(fh.read(), data)
        entry = AuditEntry.objects.get(action="attachments.attachment.created")
        self.assertEqual(entry.actor_id, self.county.pk)
        self.assertEqual(entry.after["sha256"], a.sha256)

    def test_it_refuses_a_renamed_executable_and_stores_nothing(self):
        with self.assertRaises(ValidationError) as ctx:
            attachment_create(
                actor=self.county, uploaded_file=upload("通知.pdf", samples.EXE), org=self.county_org
            )
        self.assertIn("可执行程序", ctx.exception.messages[0])
        self.assertFalse(Attachment.objects.exists())
        self.assertFalse(default_storage.exists("attachments"))

    @override_settings(UPLOAD_MAX_MB=1)
    def test_it_refuses_a_file_above_the_size_limit(self):
        big = samples.PDF + b"0" * (1024 * 1024)
        with self.assertRaisesMessage(ValidationError, "文件大小超过上限（最大 1 MB）"):
            attachment_create(actor=self.county, uploaded_file=upload("big.pdf", big), org=self.county_org)
        self.assertFalse(Attachment.objects.exists())

    def test_it_deletes_the_row_and_the_stored_file(self):
        a = attachment_create(
            actor=self.county, uploaded_file=upload("a.png", samples.png()), org=self.county_org
        )
        name = a.file.name
        with self.captureOnCommitCallbacks(execute=True):
            attachment_delete(actor=self.county, attachment=a)
        self.assertFalse(Attachment.objects.exists())
        self.assertFalse(default_storage.exists(name))
        self.assertTrue(AuditEntry.objects.filter(action="attachments.attachment.deleted").exists())
