import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from provincial import selectors, services
from provincial.models import Task, TaskStatus
from provincial.tests.factories import FUTURE, framework, submitted, task, text_file


class AssignTestCase(BaseTestCase):
    def setUp(self):
        self.framework = framework(self.office)
        self.indicator = self.framework.indicators.get(code="1.1")

    def test_it_splits_an_indicator_into_one_task_per_unit(self):
        tasks = services.tasks_assign(
            actor=self.office,
            indicator=self.indicator,
            orgs=[self.sfj, self.gaj],
            deadline=FUTURE,
            description="提供执法公示材料",
        )
        self.assertEqual({t.org for t in tasks}, {self.sfj, self.gaj})
        self.assertTrue(all(t.status == TaskStatus.ASSIGNED for t in tasks))
        self.assertEqual(AuditEntry.objects.filter(action="provincial.task.assigned").count(), 2)

    def test_it_refuses_a_deadline_in_the_past(self):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        with self.assertRaises(ValidationError) as caught:
            services.tasks_assign(
                actor=self.office, indicator=self.indicator, orgs=[self.sfj], deadline=yesterday
            )
        self.assertIn("已经过去", caught.exception.message_dict["deadline"][0])
        self.assertFalse(Task.objects.exists())

    def test_it_accepts_today_as_the_deadline(self):
        services.tasks_assign(
            actor=self.office, indicator=self.indicator, orgs=[self.sfj], deadline=timezone.localdate()
        )
        self.assertEqual(Task.objects.count(), 1)

    def test_it_refuses_a_second_task_for_the_same_unit_and_creates_none(self):
        task(self.office, self.indicator, self.sfj)
        with self.assertRaises(ValidationError) as caught:
            services.tasks_assign(
                actor=self.office, indicator=self.indicator, orgs=[self.gaj, self.sfj], deadline=FUTURE
            )
        self.assertIn("江门市司法局", caught.exception.message_dict["orgs"][0])
        self.assertEqual(Task.objects.count(), 1)

    def test_it_refuses_a_past_deadline_when_the_office_changes_it(self):
        t = task(self.office, self.indicator, self.sfj)
        with self.assertRaises(ValidationError):
            services.task_update(
                actor=self.office, task=t, deadline=datetime.date(2020, 1, 1), description=""
            )
        t.refresh_from_db()
        self.assertEqual(t.deadline, FUTURE)

    def test_it_withdraws_a_task(self):
        t = task(self.office, self.indicator, self.sfj)
        services.task_delete(actor=self.office, task=t)
        self.assertFalse(Task.objects.exists())
        self.assertTrue(AuditEntry.objects.filter(action="provincial.task.deleted").exists())

    def test_it_refuses_to_delete_a_framework_with_tasks(self):
        task(self.office, self.indicator, self.sfj)
        with self.assertRaises(ValidationError):
            services.framework_delete(actor=self.office, framework=self.framework)
        Task.objects.all().delete()
        services.framework_delete(actor=self.office, framework=self.framework)


class ReportAndReviewTestCase(BaseTestCase):
    def setUp(self):
        self.framework = framework(self.office)
        self.indicator = self.framework.indicators.get(code="1.1")  # 分值 4
        self.task = task(self.office, self.indicator, self.sfj)

    def test_it_walks_a_task_from_assigned_to_accepted(self):
        services.task_evidence_add(actor=self.assessor, task=self.task, uploaded_file=text_file())
        services.task_report(actor=self.assessor, task=self.task, note="已完成", self_score=Decimal("3.5"))
        services.task_submit(actor=self.assessor, task=self.task)
        services.task_accept(actor=self.office, task=self.task, reviewed_score=Decimal("3"))
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.ACCEPTED)
        self.assertEqual((self.task.self_score, self.task.reviewed_score), (Decimal("3.5"), Decimal("3")))
        self.assertEqual(self.task.evidence.get().org, self.sfj)
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue(
            {
                "provincial.task.evidence_added",
                "provincial.task.reported",
                "provincial.task.submitted",
                "provincial.task.accepted",
                "attachments.attachment.created",
            }
            <= actions
        )

    def test_it_refuses_a_submission_without_evidence_or_estimate(self):
        with self.assertRaises(ValidationError) as caught:
            services.task_submit(actor=self.assessor, task=self.task)
        self.assertEqual(caught.exception.messages, ["不能提交：请至少上传一份佐证材料；请填写自估分。"])
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.ASSIGNED)

    def test_it_refuses_scores_above_the_max_score(self):
        with self.assertRaises(ValidationError) as caught:
            services.task_report(actor=self.assessor, task=self.task, note="", self_score=Decimal("4.5"))
        self.assertIn("超过了该指标的分值 4.00", caught.exception.message_dict["self_score"][0])
        t = submitted(self.office, self.assessor_b, self.indicator)
        with self.assertRaises(ValidationError):
            services.task_accept(actor=self.office, task=t, reviewed_score=Decimal("5"))
        t.refresh_from_db()
        self.assertEqual(t.status, TaskStatus.SUBMITTED)

    def test_it_returns_a_task_with_a_reason_and_the_unit_can_work_on_it_again(self):
        t = submitted(self.office, self.assessor_b, self.indicator)
        with self.assertRaises(ValidationError):
            services.task_return(actor=self.office, task=t, reason="  ")
        services.task_return(actor=self.office, task=t, reason="缺少盖章件")
        t.refresh_from_db()
        self.assertEqual((t.status, t.return_reason), (TaskStatus.RETURNED, "缺少盖章件"))
        services.task_report(actor=self.assessor_b, task=t, note="已补充", self_score=Decimal("4"))
        services.task_submit(actor=self.assessor_b, task=t)
        services.task_accept(actor=self.office, task=t)
        t.refresh_from_db()
        self.assertEqual((t.status, t.return_reason), (TaskStatus.ACCEPTED, ""))

    def test_it_freezes_a_submitted_task_for_the_unit(self):
        t = submitted(self.office, self.assessor_b, self.indicator)
        for attempt in (
            lambda: services.task_report(actor=self.assessor_b, task=t, note="改", self_score=None),
            lambda: services.task_evidence_add(actor=self.assessor_b, task=t, uploaded_file=text_file()),
            lambda: services.task_submit(actor=self.assessor_b, task=t),
        ):
            with self.assertRaises(ValidationError):
                attempt()
        self.assertEqual(t.evidence.count(), 1)

    def test_it_refuses_a_disguised_evidence_file(self):
        with self.assertRaises(ValidationError):
            services.task_evidence_add(
                actor=self.assessor, task=self.task, uploaded_file=text_file("报告.pdf", "not a pdf")
            )
        self.assertEqual(self.task.evidence.count(), 0)

    def test_it_records_and_corrects_the_province_grade(self):
        services.result_record(actor=self.office, year=2022, grade="优秀")
        services.result_record(actor=self.office, year=2023, grade="良好", score=Decimal("88.5"))
        self.assertEqual(selectors.latest_result().grade, "良好")
        self.assertFalse(selectors.grade_kept(2023))
        services.result_record(actor=self.office, year=2023, grade="优秀", note="更正")
        self.assertTrue(selectors.grade_kept(2023))
        self.assertIsNone(selectors.grade_kept(2021))
        self.assertTrue(AuditEntry.objects.filter(action="provincial.result.updated").exists())


class GapsTestCase(BaseTestCase):
    def setUp(self):
        self.framework = framework(self.office)
        self.i = {i.code: i for i in self.framework.indicators.all()}

    def test_it_finds_every_kind_of_gap(self):
        today = timezone.localdate()
        overdue = task(self.office, self.i["1.1"], self.sfj, deadline=today)
        returned = submitted(self.office, self.assessor_b, self.i["1.2"])
        services.task_return(actor=self.office, task=returned, reason="补充")
        accepted = submitted(self.office, self.assessor, self.i["1.2"])
        services.task_accept(actor=self.office, task=accepted)
        later = today + datetime.timedelta(days=1)
        o = selectors.overview(self.framework, today=later)
        self.assertEqual([i.code for i in o.without_tasks], ["2.1", "2.2"])
        self.assertEqual(o.overdue, [overdue])
        self.assertEqual(o.without_evidence, [overdue])
        self.assertEqual(o.returned, [returned])
        self.assertEqual(o.gap_count, 5)
        self.assertEqual(selectors.overview(self.framework, today=today).overdue, [])

    def test_it_computes_the_expected_score_per_indicator_and_in_total(self):
        a = submitted(self.office, self.assessor, self.i["1.2"], score="5")  # 分值 6: loses 1
        services.task_accept(actor=self.office, task=a, reviewed_score=Decimal("4.5"))  # loses 1.5
        submitted(self.office, self.assessor_b, self.i["1.2"], score="5.5")  # loses 0.5
        submitted(self.office, self.assessor, self.i["2.1"], score="5")  # full marks
        task(self.office, self.i["2.2"], self.sfj)  # nothing yet: 0
        o = selectors.overview(self.framework, today=timezone.localdate())
        expected = {r.indicator.code: r.expected for r in o.rows}
        self.assertEqual(
            expected,
            {"1.1": Decimal("0"), "1.2": Decimal("4.00"), "2.1": Decimal("5.00"), "2.2": Decimal("0")},
        )
        self.assertEqual(o.expected_total, Decimal("9.00"))
        self.assertEqual(o.max_total, Decimal("20"))

    def test_it_computes_the_completion_rate(self):
        self.assertIsNone(selectors.completion_rate())
        a = submitted(self.office, self.assessor, self.i["1.1"])
        task(self.office, self.i["1.2"], self.sfj)
        services.task_accept(actor=self.office, task=a)
        self.assertEqual(selectors.completion_rate(), Decimal("50.0"))


score = st.decimals(min_value=0, max_value=6, places=1)


class ExpectedTotalPropertyTestCase(HypothesisTestCase, BaseTestCase):
    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["1.1", "1.2", "2.1", "2.2"]),
                st.booleans(),
                st.one_of(st.none(), score),
                st.one_of(st.none(), score),
            ),
            max_size=6,
        )
    )
    def test_it_keeps_the_expected_total_within_the_framework_total(self, plans):
        f = framework(self.office)
        indicators = {i.code: i for i in f.indicators.all()}
        for code, second_unit, estimate, reviewed in plans:
            indicator = indicators[code]
            org = self.gaj if second_unit else self.sfj
            t = Task.objects.filter(indicator=indicator, org=org).first() or task(self.office, indicator, org)
            cap = indicator.max_score
            services.task_report(
                actor=self.office,
                task=t,
                note="",
                self_score=min(estimate, cap) if estimate is not None else None,
            )
            Task.objects.filter(pk=t.pk).update(
                reviewed_score=min(reviewed, cap) if reviewed is not None else None
            )
        o = selectors.overview(f, today=timezone.localdate())
        self.assertGreaterEqual(o.expected_total, 0)
        self.assertLessEqual(o.expected_total, f.total)
        for row in o.rows:
            self.assertTrue(0 <= row.expected <= row.indicator.max_score)
