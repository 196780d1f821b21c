from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.models import Appeal, Phase, PhaseDeadline, Score, ScoreChange
from assessments.services import appeals
from assessments.tests.fixtures import ResultsTestCase
from audit.models import AuditEntry


class AppealTestCase(ResultsTestCase):
    def setUp(self):
        self.campaign.phase = Phase.APPEAL
        self.campaign.save()
        self.score = self.score_of(self.county_org, "A1")  # 38 / 40, scored by 司法局

    def appeal(self, **kw):
        return appeals.appeal_create(
            actor=self.county, score=self.score, reason="台账已补充完整，请复核", **kw
        )


class AppealCreateTestCase(AppealTestCase):
    def test_it_lets_a_target_appeal_its_own_score_in_the_window(self):
        appeal = self.appeal()
        self.assertEqual((appeal.status, appeal.target_id), ("submitted", self.county_org.pk))
        self.assertTrue(AuditEntry.objects.filter(action="assessments.appeal.created").exists())

    def test_it_refuses_an_appeal_after_the_window_and_changes_nothing(self):
        PhaseDeadline.objects.filter(campaign=self.campaign, phase=Phase.APPEAL).update(
            starts_on=timezone.localdate() - datetime.timedelta(days=10),
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
        with self.assertRaisesMessage(ValidationError, "申诉期已于"):
            self.appeal()
        self.assertFalse(Appeal.objects.exists())

    def test_it_refuses_an_appeal_outside_the_appeal_phase(self):
        self.campaign.phase = Phase.FEEDBACK
        self.campaign.save()
        with self.assertRaisesMessage(ValidationError, "尚未进入申诉复核期"):
            self.appeal()
        self.campaign.phase = Phase.FINAL_REVIEW
        self.campaign.save()
        with self.assertRaisesMessage(ValidationError, "不能再提出申诉"):
            self.appeal()

    def test_it_refuses_another_target_and_assessors(self):
        for actor in (self.stranger, self.assessor, self.office):
            with self.assertRaises(PermissionDenied):
                appeals.appeal_create(actor=actor, score=self.score, reason="x")
        self.assertFalse(Appeal.objects.exists())

    def test_it_refuses_an_appeal_on_full_marks(self):
        full = self.score_of(self.county_org, "A2")  # 30 / 30
        with self.assertRaisesMessage(ValidationError, "没有可申诉的失分"):
            appeals.appeal_create(actor=self.county, score=full, reason="x")

    def test_it_requires_a_reason_and_allows_one_appeal_per_score(self):
        with self.assertRaises(ValidationError):
            appeals.appeal_create(actor=self.county, score=self.score, reason="  ")
        self.appeal()
        with self.assertRaisesMessage(ValidationError, "只能申诉一次"):
            self.appeal()
        self.assertEqual(Appeal.objects.count(), 1)


class AppealAnswerDecideTestCase(AppealTestCase):
    def test_it_lets_only_the_responsible_unit_answer(self):
        appeal = self.appeal()
        with self.assertRaises(PermissionDenied):
            appeals.appeal_answer(actor=self.assessor_b, appeal=appeal, answer="不予采纳")
        appeals.appeal_answer(actor=self.assessor, appeal=appeal, answer="经核实，台账确有补充")
        appeal.refresh_from_db()
        self.assertEqual((appeal.status, appeal.answered_by), ("answered", self.assessor))

    def test_it_changes_the_score_with_history_when_the_office_decides(self):
        appeal = self.appeal()
        appeals.appeal_answer(actor=self.assessor, appeal=appeal, answer="同意加回1分")
        version = Score.objects.get(pk=self.score.pk).version
        appeals.appeal_decide(
            actor=self.office,
            appeal=appeal,
            decision="changed",
            decided_score=D("39"),
            note="台账补充属实，扣1分",
        )
        score = Score.objects.get(pk=self.score.pk)
        self.assertEqual((score.score, score.version), (D("39.00"), version + 1))
        change = ScoreChange.objects.get(score=score, source="appeal")
        self.assertEqual((change.before, change.after, change.appeal_id), (D("38.00"), D("39.00"), appeal.pk))
        appeal.refresh_from_db()
        self.assertEqual(
            (appeal.status, appeal.decision, appeal.decided_score), ("decided", "changed", D("39.00"))
        )

    def test_it_keeps_the_score_when_upheld(self):
        appeal = self.appeal()
        appeals.appeal_answer(actor=self.assessor, appeal=appeal, answer="维持原评分")
        appeals.appeal_decide(actor=self.office, appeal=appeal, decision="upheld", note="理由不成立")
        self.assertEqual(Score.objects.get(pk=self.score.pk).score, D("38.00"))
        self.assertFalse(ScoreChange.objects.filter(source="appeal").exists())

    def test_it_refuses_a_decided_score_above_the_indicator_and_changes_nothing(self):
        appeal = self.appeal()
        appeals.appeal_answer(actor=self.assessor, appeal=appeal, answer="同意")
        with self.assertRaises(ValidationError) as ctx:
            appeals.appeal_decide(
                actor=self.office, appeal=appeal, decision="changed", decided_score=D("41"), note="改分"
            )
        self.assertIn("得分须在 0 至 40 分之间", ctx.exception.message_dict["decided_score"][0])
        self.assertEqual(Score.objects.get(pk=self.score.pk).score, D("38.00"))
        appeal.refresh_from_db()
        self.assertEqual(appeal.status, "answered")

    def test_it_refuses_to_decide_before_the_answer_or_by_others(self):
        appeal = self.appeal()
        with self.assertRaisesMessage(ValidationError, "尚未答复"):
            appeals.appeal_decide(actor=self.office, appeal=appeal, decision="upheld", note="x")
        appeals.appeal_answer(actor=self.assessor, appeal=appeal, answer="同意")
        for actor in (self.assessor, self.county):
            with self.assertRaises(PermissionDenied):
                appeals.appeal_decide(actor=actor, appeal=appeal, decision="upheld", note="x")

    def test_it_requires_a_note_below_full_marks_and_a_different_score(self):
        appeal = self.appeal()
        appeals.appeal_answer(actor=self.assessor, appeal=appeal, answer="同意")
        with self.assertRaises(ValidationError) as ctx:
            appeals.appeal_decide(actor=self.office, appeal=appeal, decision="changed", decided_score=D("39"))
        self.assertIn("decision_note", ctx.exception.message_dict)
        with self.assertRaisesMessage(ValidationError, "请选择“维持”"):
            appeals.appeal_decide(
                actor=self.office, appeal=appeal, decision="changed", decided_score=D("38"), note="x"
            )

    def test_it_parses_points_with_a_clear_message(self):
        self.assertEqual(appeals.parse_points(" 39.5 "), D("39.5"))
        self.assertIsNone(appeals.parse_points(""))
        with self.assertRaisesMessage(ValidationError, "须为数字"):
            appeals.parse_points("三十九")


class AppealEligibilityTestCase(AppealTestCase):
    """Who may appeal what and when is one function (`appeals.appeal_refusal`),
    which the service raises and the pages and the to-do list ask."""

    def refusal(self, user, score):
        return appeals.appeal_refusal(
            user,
            score,
            window_problem=appeals.appeal_window_problem(self.campaign),
            appealed=Appeal.objects.filter(score=score).exists(),
        )

    def close_the_window(self) -> None:
        PhaseDeadline.objects.filter(campaign=self.campaign, phase=Phase.APPEAL).update(
            starts_on=timezone.localdate() - datetime.timedelta(days=10),
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )

    def test_it_answers_with_the_refusal_the_service_raises(self):
        self.assertIsNone(self.refusal(self.county, self.score))
        self.assertIsInstance(self.refusal(self.stranger, self.score), PermissionDenied)
        self.assertIsInstance(self.refusal(self.office, self.score), PermissionDenied)
        full = self.score_of(self.county_org, "A2")
        self.assertEqual(self.refusal(self.county, full).messages, ["该项为满分，没有可申诉的失分。"])
        self.appeal()
        self.assertEqual(
            self.refusal(self.county, self.score).messages, ["该项得分已提出过申诉，每项得分只能申诉一次。"]
        )

    def test_it_offers_the_appeal_button_only_where_the_service_would_take_it(self):
        from django.urls import reverse

        client = self.client_for(self.county)
        page = client.get(reverse("assessments:target_scores", args=[self.campaign.pk, self.county_org.pk]))
        create = reverse("assessments:appeal_create", args=[self.score.pk])
        self.assertContains(page, f'href="{create}"')
        full = self.score_of(self.county_org, "A2")
        self.assertNotContains(page, f'href="{reverse("assessments:appeal_create", args=[full.pk])}"')
        drilldown = client.get(reverse("assessments:score_drilldown", args=[self.score.pk]))
        self.assertContains(drilldown, "对本项得分提出申诉")
        self.close_the_window()
        page = client.get(reverse("assessments:target_scores", args=[self.campaign.pk, self.county_org.pk]))
        self.assertNotContains(page, f'href="{create}"')
        drilldown = client.get(reverse("assessments:score_drilldown", args=[self.score.pk]))
        self.assertNotContains(drilldown, "对本项得分提出申诉")

    def test_it_drops_the_appeal_to_do_once_the_window_has_closed(self):
        from workbench import nav

        title = f"{self.campaign.name}处于申诉复核期，可查看本单位得分并对有异议的得分提出申诉"
        self.assertIn(title, [t.title for t in nav.todos_for(self.county)])
        self.close_the_window()  # still in 申诉复核, but appeal_create would refuse
        self.assertNotIn(title, [t.title for t in nav.todos_for(self.county)])
