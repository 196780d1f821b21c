"""Reminders that reach people: a real SMTP server in the test receives the mails,
the SMS log backend records the texts, and nothing is sent twice or lost."""

from __future__ import annotations

import datetime
import io
import json
import tempfile
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from assessments.models import Phase, PhaseDeadline
from assessments.tests.fixtures import WorkflowTestCase
from audit.models import AuditEntry
from fazhi import cli
from fazhi.lib.ports import free_port
from fazhi.testing import BaseTestCase
from notices import reminding, services, sms
from notices.models import Contact, Reminder, ReminderPreference, ReminderStatus
from provincial.tests import factories


class Inbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.original_content)))
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        return [str(make_header(decode_header(m["Subject"]))) for _, m in self.messages]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self.inbox

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["reminders", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


class ReminderTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.port = free_port()
        self.sms_log = Path(tempfile.mkdtemp()) / "sms.log"
        overrides = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=self.port,
            EMAIL_TIMEOUT=5,
            SMS_BACKEND="log",
            SMS_LOG_FILE=self.sms_log,
            REMINDER_DAYS=[3, 1],
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.framework = factories.framework(self.office)
        self.indicator = self.framework.indicators.get(code="1.1")
        self.contact = Contact.objects.create(
            org=self.sfj,
            module="provincial",
            name="司法局联络员",
            email="lly@sfj.example",
            phone="13800001111",
        )

    def task_due_in(self, days: int):
        task = factories.task(self.office, self.indicator, self.sfj)
        task.deadline = timezone.localdate() + datetime.timedelta(days=days)
        task.save(update_fields=["deadline"])
        return task

    def texts(self) -> list[dict]:
        if not self.sms_log.exists():
            return []
        return [json.loads(line) for line in self.sms_log.read_text(encoding="utf-8").splitlines()]

    def test_it_mails_and_texts_a_due_deadline_to_the_units_contact(self):
        self.task_due_in(3)
        with SmtpServer(self.port) as inbox:
            code, out, _ = run_cli("send", "--json")
        self.assertEqual(code, 0)
        result = json.loads(out)
        self.assertEqual(
            (result["sent"], result["by_channel"], result["skipped"]), (2, {"email": 1, "sms": 1}, 0)
        )
        self.assertEqual([to for to, _ in inbox.messages], [["lly@sfj.example"]])
        self.assertIn("1 项迎检任务", inbox.subjects()[0])
        body = inbox.messages[0][1].get_payload(decode=True).decode("utf-8")
        self.assertIn("还有 3 天", body)
        self.assertIn("/provincial/tasks/", body)
        self.assertEqual([t["phone"] for t in self.texts()], ["13800001111"])
        self.assertIn("迎检任务", self.texts()[0]["text"])
        self.assertEqual(Reminder.objects.filter(status=ReminderStatus.SENT).count(), 2)
        self.assertTrue(AuditEntry.objects.filter(action="notices.reminders.sent").exists())

    def test_it_never_sends_the_same_reminder_twice(self):
        self.task_due_in(3)
        with SmtpServer(self.port) as inbox:
            run_cli("send")
            code, out, _ = run_cli("send", "--json")
        self.assertEqual(json.loads(out)["sent"], 0)
        self.assertEqual(len(inbox.messages), 1)
        self.assertEqual(len(self.texts()), 1)

    def test_it_keeps_what_an_unreachable_smtp_server_refused_and_sends_it_on_the_next_run(self):
        self.task_due_in(1)
        code, out, err = run_cli("send", "--json")  # nothing listens on the port
        self.assertEqual(code, 0)
        result = json.loads(out)
        self.assertEqual((result["sent"], result["failed"], result["by_channel"]["sms"]), (1, 1, 1))
        self.assertIn("1 条提醒发送失败", err)
        mail_reminder = Reminder.objects.get(channel="email")
        self.assertEqual((mail_reminder.status, mail_reminder.attempts), (ReminderStatus.PENDING, 1))
        self.assertIn(f"127.0.0.1:{self.port} 无法连接", mail_reminder.last_error)
        page = self.client_for(self.office).get(reverse("notices:reminder_list"), {"status": "problem"})
        self.assertContains(page, "无法连接")
        home = self.client_for(self.office).get(reverse("workbench:home"))
        self.assertContains(home, "1 条提醒未能发出")
        with SmtpServer(self.port) as inbox:
            code, out, _ = run_cli("send", "--json")
            again = json.loads(run_cli("send", "--json")[1])
        self.assertEqual(json.loads(out)["by_channel"], {"email": 1, "sms": 0})
        self.assertEqual(again["sent"], 0)
        self.assertEqual(len(inbox.messages), 1)
        self.assertEqual(len(self.texts()), 1)
        mail_reminder.refresh_from_db()
        self.assertEqual((mail_reminder.status, mail_reminder.attempts), (ReminderStatus.SENT, 2))

    def test_it_waits_before_retrying_on_a_schedule_but_retries_at_once_by_hand(self):
        self.task_due_in(1)
        reminding.reminders_send(retry_now=False)
        with SmtpServer(self.port) as inbox:
            scheduled = reminding.reminders_send(retry_now=False)
            self.assertEqual((scheduled.sent, len(inbox.messages)), (0, 0))
            later = timezone.now() + datetime.timedelta(minutes=6)
            self.assertEqual(reminding.reminders_send(retry_now=False, now=later).sent, 1)
        self.assertEqual(len(inbox.messages), 1)

    def test_it_reminds_on_the_configured_days_and_the_day_after_the_deadline(self):
        today = timezone.localdate()
        for days, expected in (
            (5, None),
            (4, None),
            (3, 3),
            (2, 3),
            (1, 1),
            (0, 1),
            (-1, reminding.OVERDUE),
            (-9, None),
        ):
            with self.subTest(days=days):
                deadline = reminding.Deadline(
                    source="x",
                    kind="k",
                    title="t",
                    due=today + datetime.timedelta(days=days),
                    org_ids=(1,),
                    module="m",
                )
                self.assertEqual(reminding.current_offset(deadline, today), expected)

    def test_it_sends_a_second_reminder_on_the_next_reminder_day(self):
        task = self.task_due_in(3)
        with SmtpServer(self.port) as inbox:
            reminding.reminders_send()
            later = timezone.now() + datetime.timedelta(days=2)  # one day before the deadline
            report = reminding.reminders_send(now=later)
        self.assertEqual(report.sent, 2)
        self.assertEqual(len(inbox.messages), 2)
        self.assertIn("还有 1 天", inbox.messages[1][1].get_payload(decode=True).decode("utf-8"))
        self.assertEqual(
            sorted(
                Reminder.objects.filter(source__contains=f"{task.deadline:%Y-%m-%d}").values_list(
                    "offset", flat=True
                )
            ),
            [1, 1, 3, 3],
        )

    def test_it_drops_an_unsent_reminder_that_a_later_reminder_day_replaces(self):
        self.task_due_in(3)
        reminding.reminders_send()  # the e-mail of "3 days before" fails: no server
        with SmtpServer(self.port) as inbox:
            reminding.reminders_send(now=timezone.now() + datetime.timedelta(days=2))
        self.assertEqual(len(inbox.messages), 1)
        self.assertIn("还有 1 天", inbox.messages[0][1].get_payload(decode=True).decode("utf-8"))
        self.assertEqual(Reminder.objects.get(channel="email", offset=3).status, ReminderStatus.CANCELLED)

    def test_it_follows_each_persons_choice_of_channels(self):
        self.contact.user = self.assessor
        self.contact.save()
        ReminderPreference.objects.create(user=self.assessor, email=True, sms=False)
        self.task_due_in(3)
        with SmtpServer(self.port):
            result = json.loads(run_cli("send", "--json")[1])
        self.assertEqual(result["by_channel"], {"email": 1, "sms": 0})
        self.assertEqual(self.texts(), [])

    def test_it_lets_a_person_choose_channels_on_the_preferences_page(self):
        response = self.client_for(self.assessor).post(reverse("notices:preferences"), {"email": "on"})
        self.assertRedirects(response, reverse("notices:preferences"))
        pref = ReminderPreference.objects.get(user=self.assessor)
        self.assertEqual((pref.email, pref.sms), (True, False))
        self.assertEqual(self.client_for(self.sysadmin).get(reverse("notices:preferences")).status_code, 404)

    def test_it_reaches_the_units_users_when_it_has_no_contact_and_counts_who_it_cannot_reach(self):
        self.contact.delete()
        self.assessor.email, self.assessor.phone = "clerk@sfj.example", ""
        self.assessor.save()
        self.task_due_in(3)
        with SmtpServer(self.port) as inbox:
            result = json.loads(run_cli("send", "--json")[1])
        self.assertEqual((result["sent"], result["skipped"]), (1, 1))  # no phone: the SMS is skipped
        self.assertEqual([to for to, _ in inbox.messages], [["clerk@sfj.example"]])

    def test_it_cancels_a_waiting_reminder_once_the_task_is_handed_in(self):
        task = self.task_due_in(1)
        reminding.reminders_send()  # the e-mail fails: no server
        task.status = "submitted"
        task.save(update_fields=["status"])
        with SmtpServer(self.port) as inbox:
            report = reminding.reminders_send()
        self.assertEqual((report.sent, report.cancelled, len(inbox.messages)), (0, 1, 0))
        self.assertEqual(Reminder.objects.get(channel="email").status, ReminderStatus.CANCELLED)

    def test_it_refuses_a_bad_interval_with_a_message_and_exit_2(self):
        code, _, err = run_cli("run", "--interval", "5")
        self.assertEqual(code, 2)
        self.assertIn("--interval 至少为 30 秒", err)
        self.assertNotIn("Traceback", err)

    def test_it_runs_one_round_of_the_scheduled_loop(self):
        self.task_due_in(3)
        with SmtpServer(self.port) as inbox:
            code, out, _ = run_cli("run", "--once")
        self.assertEqual(code, 0)
        self.assertIn('"sent": 2', out)
        self.assertEqual(len(inbox.messages), 1)


class NoticeDeadlineTestCase(BaseTestCase):
    def test_it_reminds_the_units_that_still_owe_a_receipt(self):
        Contact.objects.create(org=self.county_org, module="notices", name="甲", email="a@pj.example")
        Contact.objects.create(org=self.stranger_org, module="notices", name="乙", email="b@jh.example")
        notice = services.notice_send(
            actor=self.office,
            title="回执通知",
            body="正文",
            recipients=[self.county_org, self.stranger_org],
            requires_receipt=True,
            receipt_deadline=timezone.localdate() + datetime.timedelta(days=1),
            notify=False,
        )
        row = notice.recipients.get(org=self.county_org)
        services.receipt_submit(actor=self.county, recipient=row, note="已收到")
        report = reminding.reminders_send()
        self.assertEqual(report.sent, 1)
        self.assertEqual(
            list(Reminder.objects.values_list("address", "kind")), [("b@jh.example", "notices.receipt")]
        )


class AssessmentDeadlineTestCase(WorkflowTestCase):
    def test_it_reminds_targets_with_self_assessments_left_and_units_with_scores_left(self):
        Contact.objects.create(
            org=self.county_org, module="assessments", name="蓬江联络员", email="pj@x.example"
        )
        Contact.objects.create(org=self.sfj, module="general", name="司法局联络员", email="sfj@x.example")
        self.advance_to(Phase.SELF_ASSESS)
        today = timezone.localdate()
        PhaseDeadline.objects.filter(campaign=self.campaign, phase=Phase.SELF_ASSESS).update(
            due_on=today + datetime.timedelta(days=self.campaign.remind_days)
        )
        report = reminding.reminders_send()
        self.assertEqual(report.sent, 1)
        self.assertEqual(Reminder.objects.get().kind, "assessments.self_assess")
        self.advance_to(Phase.SCORING)
        PhaseDeadline.objects.filter(campaign=self.campaign, phase=Phase.SCORING).update(
            due_on=today + datetime.timedelta(days=1)
        )
        reminding.reminders_send()
        scoring = Reminder.objects.get(kind="assessments.scoring")
        self.assertEqual((scoring.address, scoring.offset), ("sfj@x.example", 1))


class GatewayHandler(BaseHTTPRequestHandler):
    received: list[dict] = []
    answer = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        GatewayHandler.received.append({"headers": dict(self.headers), "body": body})
        self.send_response(GatewayHandler.answer)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class HttpSmsBackendTestCase(BaseTestCase):
    def test_it_posts_each_text_signed_to_the_gateway_and_keeps_a_refused_one_for_later(self):
        server = HTTPServer(("127.0.0.1", 0), GatewayHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.shutdown)
        GatewayHandler.received, GatewayHandler.answer = [], 200
        secret = "s" * 32
        url = f"http://127.0.0.1:{server.server_address[1]}/sms"
        with override_settings(SMS_BACKEND="http", SMS_URL=url, SMS_SECRET=secret):
            sms.get_backend().send(phone="13800000000", text="【依法治市办】测试", message_id="reminder-1")
            GatewayHandler.answer = 503
            with self.assertRaises(sms.SmsError) as refused:
                sms.get_backend().send(phone="13800000000", text="第二条", message_id="reminder-2")
        self.assertIn("HTTP 503", str(refused.exception))
        first = GatewayHandler.received[0]
        self.assertEqual(
            json.loads(first["body"]),
            {"phone": "13800000000", "text": "【依法治市办】测试", "id": "reminder-1"},
        )
        stamp = first["headers"]["X-Fazhi-Timestamp"]
        self.assertEqual(first["headers"]["X-Fazhi-Signature"], sms.signature(secret, stamp, first["body"]))


class UnreachableGatewayTestCase(BaseTestCase):
    def test_it_keeps_every_text_when_the_gateway_does_not_answer_and_tries_it_only_once_per_run(self):
        for n, org in enumerate((self.county_org, self.stranger_org)):
            Contact.objects.create(org=org, module="notices", name=f"联络员{n}", phone=f"1380000000{n}")
        services.notice_send(
            actor=self.office, title="通知", body="正文", recipients=[self.county_org, self.stranger_org]
        )
        calls = []

        class Down:
            def send(self, **kwargs: object) -> None:
                calls.append(kwargs)
                raise sms.SmsError("短信网关无法连接：Connection refused", unreachable=True)

        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            from unittest import mock

            with mock.patch.object(sms, "get_backend", return_value=Down()):
                report = reminding.reminders_send()
        self.assertEqual((report.failed, len(calls)), (2, 1))
        self.assertEqual(
            set(Reminder.objects.values_list("status", "last_error")),
            {(ReminderStatus.PENDING, "短信网关无法连接：Connection refused")},
        )
