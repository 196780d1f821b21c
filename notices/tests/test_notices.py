"""通知公告: the office sends, a unit signs and answers, the office sees it and chases the rest."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attachments.models import Attachment
from attachments.tests import samples
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from notices import services
from notices.models import Contact, Notice, NoticeRecipient, Reminder


def _later(days: int = 10) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class NoticeSendTestCase(BaseTestCase):
    def post_notice(self, **extra):
        data = {
            "title": "关于报送法治建设工作总结的通知",
            "body": "请各单位于截止日期前报送。",
            "requires_receipt": "on",
            "receipt_deadline": _later().isoformat(),
            "receipt_fields": "联系人\n联系电话",
            **extra,
        }
        return self.client_for(self.office).post(reverse("notices:create"), data)

    def test_it_sends_a_notice_to_the_chosen_units_with_a_number_from_the_register(self):
        response = self.post_notice(to_orgs=[self.county_org.pk, self.stranger_org.pk])
        notice = Notice.objects.get()
        self.assertRedirects(response, reverse("notices:detail", args=[notice.pk]))
        year = timezone.localdate().year
        self.assertEqual(notice.doc_number, f"江依法治办〔{year}〕1号")
        self.assertEqual(set(notice.recipients.values_list("org__code", flat=True)), {"440703", "440704"})
        self.assertEqual(notice.receipt_fields, ["联系人", "联系电话"])
        self.assertTrue(
            AuditEntry.objects.filter(action="notices.notice.sent", target_id=str(notice.pk)).exists()
        )

    def test_it_chooses_recipients_by_type_by_tree_and_by_flag(self):
        self.post_notice(to_targets="on")
        by_flag = Notice.objects.latest("pk")
        self.assertEqual(set(by_flag.recipients.values_list("org__code", flat=True)), {"440703", "440704"})
        self.post_notice(to_subtree=self.county_org.pk)
        by_tree = Notice.objects.latest("pk")
        self.assertEqual(set(by_tree.recipients.values_list("org__code", flat=True)), {"440703", "440703001"})
        self.post_notice(to_types=["department"])
        by_type = Notice.objects.latest("pk")
        self.assertEqual(
            set(by_type.recipients.values_list("org__code", flat=True)),
            {"440700-SFJ", "440700-GAJ", "440700-ZJK"},
        )

    def test_it_refuses_a_notice_to_no_one_and_keeps_nothing(self):
        upload = SimpleUploadedFile("方案.pdf", samples.PDF)
        response = self.post_notice(uploads=[upload])
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请至少选择一个接收单位", status_code=400)
        self.assertFalse(Notice.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action__startswith="attachments.").exists())

    def test_it_refuses_a_receipt_deadline_in_the_past(self):
        response = self.post_notice(
            to_orgs=[self.county_org.pk],
            receipt_deadline=(timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        )
        self.assertContains(response, "已经过去", status_code=400)
        self.assertFalse(Notice.objects.exists())

    def test_it_refuses_a_disguised_attachment_and_sends_nothing(self):
        fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00" + b"\x00" * 200)
        response = self.post_notice(to_orgs=[self.county_org.pk], uploads=[fake])
        self.assertContains(response, "附件「通知.pdf」未能上传", status_code=400)
        self.assertFalse(Notice.objects.exists())

    def test_it_mails_the_units_contacts_that_a_notice_has_arrived(self):
        Contact.objects.create(org=self.county_org, module="notices", name="王联络", email="wang@pj.example")
        with self.captureOnCommitCallbacks(execute=True):
            self.post_notice(to_orgs=[self.county_org.pk])
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["wang@pj.example"])
        self.assertIn("关于报送法治建设工作总结的通知", mail.outbox[0].subject)


class NoticeReceiveTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.notice = services.notice_send(
            actor=self.office,
            title="关于开展年度考评的通知",
            body="请签收并报送回执。",
            recipients=[self.county_org, self.stranger_org],
            requires_receipt=True,
            receipt_deadline=_later(5),
            receipt_fields=["联络员", "手机号码"],
            files=[SimpleUploadedFile("考评方案.pdf", samples.PDF)],
        )
        self.url = reverse("notices:detail", args=[self.notice.pk])

    def row(self, org) -> NoticeRecipient:
        return NoticeRecipient.objects.get(notice=self.notice, org=org)

    def test_it_shows_the_notice_to_its_units_and_to_nobody_else(self):
        for user, status in (
            (self.office, 200),
            (self.county, 200),
            (self.stranger, 200),
            (self.assessor, 404),
            (self.expert, 404),
            (self.sysadmin, 404),
            (self.auditadmin, 404),
        ):
            with self.subTest(user=user.username):
                self.assertEqual(self.client_for(user).get(self.url).status_code, status)

    def test_it_lets_a_receiving_unit_read_the_notices_file_and_no_other_unit(self):
        file = self.notice.attachments.get()
        download = reverse("attachments:download", args=[file.pk])
        self.assertEqual(self.client_for(self.county).get(download).status_code, 200)
        self.assertEqual(self.client_for(self.assessor).get(download).status_code, 404)

    def test_it_records_who_signed_and_when(self):
        response = self.client_for(self.county).post(reverse("notices:sign", args=[self.notice.pk]))
        self.assertRedirects(response, self.url)
        row = self.row(self.county_org)
        self.assertIsNotNone(row.signed_at)
        self.assertEqual(row.signed_by, self.county)
        self.assertIsNone(self.row(self.stranger_org).signed_at)
        again = self.client_for(self.county).post(reverse("notices:sign", args=[self.notice.pk]))
        self.assertEqual(again.status_code, 302)
        self.assertEqual(self.row(self.county_org).signed_at, row.signed_at)

    def test_it_takes_a_receipt_with_the_notices_fields_and_a_file(self):
        response = self.client_for(self.county).post(
            reverse("notices:receipt", args=[self.notice.pk]),
            {
                "answer_0": "王五",
                "answer_1": "13800000000",
                "note": "已部署",
                "file": SimpleUploadedFile("回执.pdf", samples.PDF),
            },
        )
        self.assertRedirects(response, self.url)
        row = self.row(self.county_org)
        self.assertEqual(row.receipt_answers, {"联络员": "王五", "手机号码": "13800000000"})
        self.assertEqual(row.receipt_file.original_name, "回执.pdf")
        self.assertIsNotNone(row.signed_at)  # answering signs for it
        office_page = self.client_for(self.office).get(self.url)
        self.assertContains(office_page, "王五")
        self.assertContains(office_page, "回执.pdf")

    def test_it_asks_for_every_field_of_the_receipt(self):
        response = self.client_for(self.county).post(
            reverse("notices:receipt", args=[self.notice.pk]), {"answer_0": "王五"}
        )
        self.assertContains(response, "请填写回执的以下栏目：手机号码", status_code=400)
        self.assertIsNone(self.row(self.county_org).receipt_at)

    def test_it_refuses_a_receipt_after_the_deadline_when_late_replies_are_closed(self):
        Notice.objects.filter(pk=self.notice.pk).update(
            receipt_deadline=timezone.localdate() - datetime.timedelta(days=1)
        )
        page = self.client_for(self.county).get(self.url)
        self.assertContains(page, "不接受逾期回执")
        self.assertNotContains(page, 'id="receipt-form"')
        response = self.client_for(self.county).post(
            reverse("notices:receipt", args=[self.notice.pk]),
            {
                "answer_0": "王五",
                "answer_1": "13800000000",
                "file": SimpleUploadedFile("回执.pdf", samples.PDF),
            },
        )
        self.assertContains(response, "本通知不接受逾期回执", status_code=400)
        row = self.row(self.county_org)
        self.assertIsNone(row.receipt_at)
        self.assertIsNone(row.receipt_file)
        self.assertFalse(Attachment.objects.filter(original_name="回执.pdf").exists())

    def test_it_takes_a_late_receipt_when_the_notice_accepts_them(self):
        Notice.objects.filter(pk=self.notice.pk).update(
            receipt_deadline=timezone.localdate() - datetime.timedelta(days=1), late_receipts=True
        )
        response = self.client_for(self.county).post(
            reverse("notices:receipt", args=[self.notice.pk]), {"answer_0": "王五", "answer_1": "13800000000"}
        )
        self.assertRedirects(response, self.url)
        self.assertIsNotNone(self.row(self.county_org).receipt_at)

    def test_it_lets_the_office_urge_the_units_that_have_not_answered(self):
        Contact.objects.create(
            org=self.stranger_org, module="general", name="李联络", email="li@jh.example", phone="13900000000"
        )
        services.receipt_submit(
            actor=self.county,
            recipient=self.row(self.county_org),
            answers={"联络员": "王五", "手机号码": "1"},
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client_for(self.office).post(reverse("notices:urge_all", args=[self.notice.pk]))
        self.assertRedirects(response, self.url)
        self.assertEqual(self.row(self.stranger_org).urge_count, 1)
        self.assertEqual(self.row(self.county_org).urge_count, 0)
        urged = Reminder.objects.filter(kind="notices.urge")
        self.assertEqual(
            set(urged.values_list("channel", "address")), {("email", "li@jh.example"), ("sms", "13900000000")}
        )
        self.assertEqual(set(urged.values_list("status", flat=True)), {"sent"})
        self.assertEqual([m.to for m in mail.outbox], [["li@jh.example"]])
        self.assertIn("催办", mail.outbox[0].subject)
        self.assertTrue(AuditEntry.objects.filter(action="notices.notice.urged").exists())

    def test_it_says_there_is_no_one_to_urge_when_every_unit_answered(self):
        for org, user in ((self.county_org, self.county), (self.stranger_org, self.stranger)):
            services.receipt_submit(
                actor=user, recipient=self.row(org), answers={"联络员": "甲", "手机号码": "1"}
            )
        response = self.client_for(self.office).post(
            reverse("notices:urge_all", args=[self.notice.pk]), follow=True
        )
        self.assertContains(response, "无需催办")

    def test_it_refuses_urging_to_a_unit_and_signing_to_the_office(self):
        row = self.row(self.county_org)
        self.assertEqual(
            self.client_for(self.county).post(reverse("notices:urge", args=[row.pk])).status_code, 403
        )
        self.assertEqual(
            self.client_for(self.assessor).post(reverse("notices:urge", args=[row.pk])).status_code, 404
        )
        self.assertEqual(
            self.client_for(self.office).post(reverse("notices:sign", args=[self.notice.pk])).status_code, 403
        )
        self.assertEqual(
            self.client_for(self.assessor).post(reverse("notices:sign", args=[self.notice.pk])).status_code,
            404,
        )

    def test_it_lists_to_a_unit_only_its_own_notices_with_their_state(self):
        other = services.notice_send(
            actor=self.office, title="只发江海区", body="正文", recipients=[self.stranger_org]
        )
        page = self.client_for(self.county).get(reverse("notices:list"))
        self.assertContains(page, "关于开展年度考评的通知")
        self.assertNotContains(page, other.title)
        self.assertContains(page, "待签收")

    def test_it_puts_unsigned_notices_on_the_units_home_page(self):
        home = self.client_for(self.county).get(reverse("workbench:home"))
        self.assertContains(home, "待签收通知：关于开展年度考评的通知")

    def test_it_exports_the_notice_as_a_numbered_gongwen(self):
        import io

        import docx

        response = self.client_for(self.county).get(reverse("notices:docx", args=[self.notice.pk]))
        self.assertEqual(response.status_code, 200)
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        self.assertIn(self.notice.doc_number, text)
        self.assertIn("关于开展年度考评的通知", text)


class ModuleMailingTestCase(BaseTestCase):
    def test_it_starts_the_deployment_notice_from_a_campaign_and_ties_it_to_it(self):
        from assessments.services import campaigns
        from assessments.tests.fixtures import build_framework, future_deadlines

        framework = build_framework(self.office, self.sfj, self.gaj)
        campaign = campaigns.campaign_create(
            actor=self.office,
            year=2023,
            name="2023年度法治建设考评",
            framework=framework,
            targets=[self.county_org, self.stranger_org],
            deadlines=future_deadlines(),
        )
        url = reverse("notices:create") + f"?campaign={campaign.pk}"
        page = self.client_for(self.office).get(url)
        self.assertContains(page, "关于开展2023年度法治建设考评工作的通知")
        self.assertContains(page, f'<option value="{self.county_org.pk}" selected>')
        self.assertContains(page, f'value="assessments.campaign:{campaign.pk}"')
        self.assertEqual(self.client_for(self.county).get(url).status_code, 404)
        self.assertEqual(
            self.client_for(self.office).get(reverse("notices:create") + "?campaign=999").status_code, 404
        )
        form = page.context["form"]
        data = {k: v for k, v in form.initial.items() if v not in (None, False)}
        data["receipt_deadline"] = data["receipt_deadline"].isoformat()
        response = self.client_for(self.office).post(
            reverse("notices:create"), {**data, "requires_receipt": "on"}
        )
        notice = Notice.objects.get()
        self.assertRedirects(response, reverse("notices:detail", args=[notice.pk]))
        self.assertEqual(
            (notice.source, notice.source_label), (f"assessments.campaign:{campaign.pk}", campaign.name)
        )
        self.assertEqual(notice.recipients.count(), 2)
