"""Registering and working a problem through the services: every step leaves its
history and audit entry; bad input and steps out of order change nothing."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attachments.tests import samples
from audit.models import AuditEntry
from problems import services
from problems.models import ExtensionRequest, Problem, ProblemEvent
from problems.tests.base import ProblemsTestCase, days


class RegisterTestCase(ProblemsTestCase):
    def test_it_registers_a_clue_with_its_first_history_entry_and_audit(self):
        problem = self.register(campaign=self.campaign, category="逐利执法", supervised=True)
        self.assertEqual(problem.state, "registered")
        self.assertEqual(problem.registered_org, self.office_org)
        self.assertEqual(list(problem.events.values_list("action", flat=True)), ["registered", "supervised"])
        self.assertTrue(AuditEntry.objects.filter(action="problems.problem.registered").exists())
        self.assertTrue(problem.number.startswith(f"WT{problem.registered_at.year}-"))

    def test_it_refuses_a_deadline_before_the_registration_and_writes_nothing(self):
        registered = datetime.datetime(2023, 5, 10, 9, tzinfo=datetime.UTC)
        with self.assertRaises(ValidationError) as refused:
            self.register(
                deadline=datetime.date(2023, 5, 1), registered_at=registered, today=datetime.date(2023, 5, 10)
            )
        self.assertIn("早于问题的登记日期 2023-05-10", str(refused.exception))
        self.assertFalse(Problem.objects.exists())
        self.assertFalse(ProblemEvent.objects.exists())

    def test_it_refuses_a_blank_title_and_a_category_the_campaign_does_not_have(self):
        with self.assertRaisesMessage(ValidationError, "请填写问题标题"):
            self.register(title="   ")
        with self.assertRaisesMessage(
            ValidationError, "问题类别只有：逐利执法、执法不规范、执法方式简单僵化"
        ):
            self.register(campaign=self.campaign, category="乱收费")
        self.assertFalse(Problem.objects.exists())


class FlowTestCase(ProblemsTestCase):
    def test_it_walks_a_clue_from_registration_to_closing_with_its_whole_history(self):
        problem = self.walk(
            self.register(), "assign", "sign", "verify", "plan", "complete", "accept", "close"
        )
        self.assertEqual(problem.state, "closed")
        self.assertIsNotNone(problem.closed_at)
        self.assertEqual(problem.rectify_mode, "planned")
        history = list(problem.events.values_list("action", "from_state", "to_state"))
        self.assertEqual(
            history,
            [
                ("registered", "", "registered"),
                ("assign", "registered", "assigned"),
                ("sign", "assigned", "signed"),
                ("verify", "signed", "verified"),
                ("plan", "verified", "rectifying"),
                ("complete", "rectifying", "rectified"),
                ("accept", "rectified", "accepted"),
                ("close", "accepted", "closed"),
            ],
        )
        actions = set(
            AuditEntry.objects.filter(action__startswith="problems.problem.").values_list("action", flat=True)
        )
        self.assertTrue({"problems.problem.signed", "problems.problem.closed"} <= actions)

    def test_it_lets_a_unit_rectify_at_once_and_the_office_send_it_back(self):
        problem = self.walk(self.register(), "assign", "sign", "rectify_now")
        self.assertEqual((problem.state, problem.rectify_mode), ("rectified", "immediate"))
        problem = self.step(problem, "reject", note="整改不到位", deadline=days(10))
        self.assertEqual((problem.state, problem.deadline), ("rectifying", days(10)))

    def test_it_sends_a_returned_clue_back_to_the_office_to_assign_again(self):
        problem = self.walk(self.register(), "assign", "return")
        self.assertEqual(problem.state, "returned")
        self.assertEqual(problem.events.last().note, "不属于本单位职责")
        problem = self.step(problem, "assign", org=self.gaj, deadline=days(15))
        self.assertEqual((problem.state, problem.org), ("assigned", self.gaj))

    def test_it_refuses_a_step_out_of_order_and_changes_nothing(self):
        problem = self.walk(self.register(), "assign")
        events, audits = ProblemEvent.objects.count(), AuditEntry.objects.count()
        with self.assertRaises(services.OutOfOrder) as refused:
            self.step(problem, "accept")
        self.assertIn("当前为「已交办」，不能「验收通过」", refused.exception.messages[0])
        problem.refresh_from_db()
        self.assertEqual(problem.state, "assigned")
        self.assertEqual((ProblemEvent.objects.count(), AuditEntry.objects.count()), (events, audits))

    def test_it_refuses_the_other_partys_step_and_an_unrelated_county_altogether(self):
        problem = self.walk(self.register(), "assign")
        with self.assertRaisesMessage(PermissionDenied, "由责任单位办理"):
            self.step(problem, "sign", self.office)
        with self.assertRaises(PermissionDenied):
            self.step(problem, "sign", self.stranger)
        problem.refresh_from_db()
        self.assertEqual(problem.state, "assigned")

    def test_it_needs_a_reason_to_return_and_a_future_deadline_to_plan(self):
        problem = self.walk(
            self.register(registered_at=timezone.now() - datetime.timedelta(days=10)), "assign"
        )
        with self.assertRaisesMessage(ValidationError, "请填写退回理由"):
            self.step(problem, "return", self.county, note="  ")
        problem = self.walk(problem, "sign", "verify")
        with self.assertRaisesMessage(ValidationError, "已经过去"):
            self.step(problem, "plan", self.county, note="方案", deadline=days(-1))
        problem.refresh_from_db()
        self.assertEqual(problem.state, "verified")

    def test_it_keeps_files_attached_to_a_step_and_refuses_a_bad_one_without_a_trace(self):
        problem = self.walk(self.register(), "assign", "sign")
        good = SimpleUploadedFile("整改照片.pdf", samples.PDF)
        problem = self.step(problem, "rectify_now", self.county, note="已纠正", files=[good])
        self.assertEqual(problem.events.last().attachments.get().original_name, "整改照片.pdf")
        other = self.walk(self.register(title="另一个问题"), "assign", "sign")
        bad = SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00 not a pdf")
        with self.assertRaises(ValidationError):
            self.step(other, "rectify_now", self.county, note="已纠正", files=[bad])
        other.refresh_from_db()
        self.assertEqual(other.state, "signed")
        self.assertFalse(other.events.filter(action="rectify_now").exists())


class SuperviseAndExtensionTestCase(ProblemsTestCase):
    def test_it_lets_only_the_office_supervise_an_open_problem(self):
        problem = self.walk(self.register(), "assign")
        with self.assertRaises(PermissionDenied):
            services.problem_supervise(actor=self.county, problem=problem, on=True)
        problem = services.problem_supervise(actor=self.office, problem=problem, on=True, note="挂牌督办")
        self.assertTrue(problem.supervised)
        with self.assertRaisesMessage(services.OutOfOrder, "已经挂牌督办"):
            services.problem_supervise(actor=self.office, problem=problem, on=True)

    def test_it_records_an_extension_asked_and_granted(self):
        problem = self.walk(self.register(), "assign", "sign")
        extension = services.extension_request(
            actor=self.county, problem=problem, requested_deadline=days(60), reason="涉及多个部门"
        )
        with self.assertRaisesMessage(services.OutOfOrder, "已有一份延期申请"):
            services.extension_request(
                actor=self.county, problem=problem, requested_deadline=days(70), reason="再延"
            )
        services.extension_decide(actor=self.office, extension=extension, grant=True, deadline=days(45))
        problem.refresh_from_db()
        extension.refresh_from_db()
        self.assertEqual(
            (problem.deadline, extension.status, extension.granted_deadline), (days(45), "granted", days(45))
        )
        self.assertEqual(
            list(problem.events.filter(action__startswith="extension").values_list("action", flat=True)),
            ["extension_requested", "extension_granted"],
        )

    def test_it_refuses_an_extension_earlier_than_the_deadline_and_a_refusal_without_reason(self):
        problem = self.walk(self.register(), "assign")
        with self.assertRaisesMessage(ValidationError, "须晚于现在的期限"):
            services.extension_request(
                actor=self.county, problem=problem, requested_deadline=days(10), reason="x"
            )
        extension = services.extension_request(
            actor=self.county, problem=problem, requested_deadline=days(40), reason="x"
        )
        with self.assertRaisesMessage(ValidationError, "请填写审批意见"):
            services.extension_decide(actor=self.office, extension=extension, grant=False)
        with self.assertRaises(PermissionDenied):
            services.extension_decide(actor=self.county, extension=extension, grant=True)
        self.assertEqual(ExtensionRequest.objects.get().status, "pending")
