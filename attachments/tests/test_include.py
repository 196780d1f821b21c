from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory

from attachments.models import Attachment
from attachments.selectors import with_related
from attachments.services import attachment_create
from attachments.tests import samples
from fazhi.testing import BaseTestCase

EMBED = Template(
    '{% include "attachments/includes/attachment_list.html" with attachments=files list_id="evidence-7" '
    "upload_org=org upload_url=url %}"
)


class AttachmentIncludeTestCase(BaseTestCase):
    def render(self, user, **context):
        request = RequestFactory().get("/somewhere/?tab=2")
        request.user = user
        return EMBED.render(Context({"request": request, "user": user, **context}))

    def test_it_embeds_a_list_with_an_upload_form_for_another_module(self):
        attachment_create(
            actor=self.county, uploaded_file=SimpleUploadedFile("台账.pdf", samples.PDF), org=self.county_org
        )
        files = with_related(Attachment.objects.filter(org=self.county_org))
        html = self.render(
            self.county, files=files, org=self.county_org, url="/assessments/evidence/7/upload/"
        )
        self.assertIn('id="evidence-7"', html)
        self.assertIn("台账.pdf", html)
        self.assertIn('hx-post="/assessments/evidence/7/upload/"', html)
        self.assertIn('hx-target="#evidence-7-rows"', html)
        self.assertIn(f'name="org" value="{self.county_org.pk}"', html)
        self.assertIn('name="next" value="/somewhere/?tab=2"', html)
        self.assertIn(">删除</button>", html)  # the uploader may delete
        self.assertNotIn(' style="', html)

    def test_it_is_read_only_without_an_org_and_hides_delete_from_others(self):
        attachment_create(
            actor=self.county, uploaded_file=SimpleUploadedFile("台账.pdf", samples.PDF), org=self.county_org
        )
        from accounts import roles
        from fazhi.testing import make_user

        colleague = make_user("pengjiang3", self.county_org, roles.TARGET)
        html = self.render(colleague, files=Attachment.objects.all(), org=None, url="")
        self.assertIn("台账.pdf", html)
        self.assertNotIn(">删除</button>", html)  # neither uploader nor office
        self.assertNotIn("attachment-upload", html)
