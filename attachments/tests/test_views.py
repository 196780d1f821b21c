from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from attachments.models import Attachment
from attachments.services import attachment_create
from attachments.tests import samples
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase, make_user


class AttachmentViewsTestCase(BaseTestCase):
    def setUp(self):
        self.png = attachment_create(
            actor=self.county,
            uploaded_file=SimpleUploadedFile("现场照片.png", samples.png()),
            org=self.county_org,
        )
        self.docx = attachment_create(
            actor=self.county,
            uploaded_file=SimpleUploadedFile("自评.docx", samples.docx()),
            org=self.county_org,
        )

    def test_it_lets_only_users_whose_scope_includes_the_org_reach_a_file(self):
        allowed = {"county", "office"}
        for name, user in self.personas.items():
            with self.subTest(persona=name):
                response = self.client_for(user).get(reverse("attachments:download", args=[self.png.pk]))
                self.assertEqual(response.status_code, 200 if name in allowed else 404)

    def test_it_shows_a_town_file_to_the_county_above_it_but_not_the_town_file_to_a_stranger(self):
        town_file = attachment_create(
            actor=self.office, uploaded_file=SimpleUploadedFile("a.pdf", samples.PDF), org=self.town_org
        )
        url = reverse("attachments:download", args=[town_file.pk])
        self.assertEqual(self.client_for(self.county).get(url).status_code, 200)
        self.assertEqual(self.client_for(self.stranger).get(url).status_code, 404)

    def test_it_downloads_with_the_utf8_name_and_audits_the_read(self):
        response = self.client_for(self.office).get(reverse("attachments:download", args=[self.png.pk]))
        self.assertEqual(b"".join(response.streaming_content), samples.png())
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn(quote("现场照片.png"), response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        entry = AuditEntry.objects.filter(action="attachments.attachment.downloaded").get()
        self.assertEqual((entry.actor_id, entry.target_id), (self.office.pk, str(self.png.pk)))

    def test_it_previews_images_inline_in_a_sandbox(self):
        response = self.client_for(self.county).get(reverse("attachments:preview_image", args=[self.png.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Disposition"].startswith("inline"))
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertIn("default-src 'none'", response["Content-Security-Policy"])
        self.assertTrue(AuditEntry.objects.filter(action="attachments.attachment.previewed").exists())

    def test_it_previews_pdf_inline_in_a_sandbox_without_scripts(self):
        pdf = attachment_create(
            actor=self.county, uploaded_file=SimpleUploadedFile("a.pdf", samples.PDF), org=self.county_org
        )
        response = self.client_for(self.county).get(reverse("attachments:preview", args=[pdf.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("default-src 'none'", response["Content-Security-Policy"])
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertNotIn("script-src", response["Content-Security-Policy"])

    def test_it_does_not_preview_office_documents(self):
        response = self.client_for(self.county).get(reverse("attachments:preview", args=[self.docx.pk]))
        self.assertEqual(response.status_code, 404)

    def test_it_denies_preview_to_a_stranger(self):
        response = self.client_for(self.stranger).get(reverse("attachments:preview", args=[self.png.pk]))
        self.assertEqual(response.status_code, 404)

    def test_it_lets_the_uploader_and_the_office_delete_but_not_a_colleague(self):
        colleague = make_user("pengjiang2", self.county_org, roles.TARGET)
        url = reverse("attachments:delete", args=[self.png.pk])
        self.assertEqual(self.client_for(colleague).post(url).status_code, 403)
        self.assertEqual(self.client_for(self.stranger).post(url).status_code, 404)
        self.assertEqual(self.client_for(self.county).post(url, HTTP_HX_REQUEST="true").status_code, 200)
        self.assertFalse(Attachment.objects.filter(pk=self.png.pk).exists())
        response = self.client_for(self.office).post(reverse("attachments:delete", args=[self.docx.pk]))
        self.assertRedirects(response, reverse("attachments:mine"), fetch_redirect_response=False)
        self.assertFalse(Attachment.objects.filter(pk=self.docx.pk).exists())

    def test_it_refuses_delete_by_get(self):
        response = self.client_for(self.county).get(reverse("attachments:delete", args=[self.png.pk]))
        self.assertEqual(response.status_code, 405)


class AttachmentUploadViewTestCase(BaseTestCase):
    def post(self, user, files, org=None, htmx=True):
        data = {"org": (org or user.org).pk, "list_id": "evidence-1", "file": files}
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        return self.client_for(user).post(reverse("attachments:upload"), data, **headers)

    def test_it_answers_htmx_with_the_new_rows(self):
        response = self.post(
            self.county,
            [SimpleUploadedFile("a.pdf", samples.PDF), SimpleUploadedFile("b.png", samples.png())],
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "a.pdf")
        self.assertContains(response, "b.png")
        self.assertContains(response, 'id="evidence-1-errors"')
        self.assertEqual(Attachment.objects.filter(org=self.county_org).count(), 2)

    def test_it_shows_the_chinese_message_for_a_disguised_file(self):
        response = self.post(self.county, [SimpleUploadedFile("报告.pdf", samples.EXE)])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "可执行程序")
        self.assertFalse(Attachment.objects.exists())

    def test_it_redirects_with_messages_without_htmx(self):
        client = self.client_for(self.county)
        data = {"org": self.county_org.pk, "file": SimpleUploadedFile("a.html", b"<p>x</p>")}
        response = client.post(reverse("attachments:upload"), data, follow=True)
        self.assertRedirects(response, reverse("attachments:mine"))
        self.assertContains(response, "只能以 .txt 或 .csv 扩展名上传")
        self.assertFalse(Attachment.objects.exists())

    def test_it_refuses_uploads_into_an_org_outside_the_scope(self):
        response = self.post(self.county, [SimpleUploadedFile("a.pdf", samples.PDF)], org=self.stranger_org)
        self.assertContains(response, "不能向该单位上传附件")
        self.assertFalse(Attachment.objects.exists())

    def test_it_asks_for_a_file(self):
        response = self.post(self.county, [])
        self.assertContains(response, "请选择要上传的文件")

    def test_it_forbids_the_three_admins(self):
        for user in (self.sysadmin, self.secadmin, self.auditadmin):
            with self.subTest(user=user.username):
                self.assertEqual(self.post(user, [SimpleUploadedFile("a.pdf", samples.PDF)]).status_code, 403)
                self.assertEqual(self.client_for(user).get(reverse("attachments:mine")).status_code, 403)


class MyAttachmentsTestCase(BaseTestCase):
    def test_it_lists_only_my_uploads_with_constant_queries(self):
        for i in range(3):
            attachment_create(
                actor=self.county,
                uploaded_file=SimpleUploadedFile(f"mine{i}.pdf", samples.PDF),
                org=self.county_org,
            )
        attachment_create(
            actor=self.office,
            uploaded_file=SimpleUploadedFile("others.pdf", samples.PDF),
            org=self.county_org,
        )
        client = self.client_for(self.county)
        client.get(reverse("attachments:mine"))
        with CaptureQueriesContext(connection) as few:
            response = client.get(reverse("attachments:mine"))
        self.assertContains(response, "mine2.pdf")
        self.assertNotContains(response, "others.pdf")
        for i in range(3, 20):
            attachment_create(
                actor=self.county,
                uploaded_file=SimpleUploadedFile(f"mine{i}.pdf", samples.PDF),
                org=self.county_org,
            )
        # The page's own queries are pinned; other modules' navigation may add a few of their own.
        with self.assertNumQueries(len(few)):
            client.get(reverse("attachments:mine"))
        own = [q for q in few.captured_queries if "attachments_attachment" in q["sql"]]
        self.assertEqual(len(own), 2)  # the count and the page, with org and uploader joined
