"""Phase deadlines lock editing at the deadline: the deadline day itself is
open, the day after is refused, unless the office granted the unit a 延期."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import DeadlineExtension, PhaseDeadline, SelfAssessment
from assessments.services import extensions as ext
from assessments.services import scores as score_services
from assessments.services import self_assessments as sa_services
from assessments.services.scores import ItemInput
from assessments.tests.fixtures import WorkflowTestCase
from audit.models import AuditEntry

DAY = datetime.timedelta(days=1)


class DeadlineTestCase(WorkflowTestCase):
    def due(self, phase: str, on: datetime.date) -> None:
        PhaseDeadline.objects.filter(campaign=self.campaign, phase=phase).update(due_on=on)

    def grant(self, org, phase: str, on: datetime.date) -> DeadlineExtension:
        return ext.deadline_extension_grant(
            actor=self.office,
            campaign=self.campaign,
            org=org,
            phase=phase,
            due_on=on,
            reason="因汛期抢险延后",
        )


class SelfAssessmentDeadlineTestCase(DeadlineTestCase):
    def setUp(self) -> None:
        self.advance_to("self_assess")
        self.today = timezone.localdate()
        self.sa = SelfAssessment.objects.get(
            campaign=self.campaign, target=self.county_org, indicator__code="A1"
        )

    def save(self) -> SelfAssessment:
        sa = SelfAssessment.objects.get(pk=self.sa.pk)
        return sa_services.self_assessment_save(
            actor=self.county, sa=sa, self_score=D(38), narrative="已落实"
        )

    def test_it_allows_edits_on_the_deadline_day_itself(self):
        self.due("self_assess", self.today)
        self.assertEqual(self.save().self_score, D(38))

    def test_it_refuses_edits_and_submits_the_day_after(self):
        self.due("self_assess", self.today - DAY)
        message = (
            f"「自评填报」已于 {self.today - DAY:%Y-%m-%d} 截止，不能再修改。如确需延期，请联系依法治办。"
        )
        with self.assertRaisesMessage(ValidationError, message):
            self.save()
        with self.assertRaisesMessage(ValidationError, message):
            sa_services.self_assessment_submit_all(
                actor=self.county, campaign=self.campaign, target=self.county_org
            )
        self.assertIsNone(SelfAssessment.objects.get(pk=self.sa.pk).self_score)

    def test_it_allows_the_unit_with_an_extension_and_only_that_unit(self):
        self.due("self_assess", self.today - DAY)
        # a past deadline may only be extended from today on
        self.grant(self.county_org, "self_assess", self.today)
        self.assertEqual(self.save().self_score, D(38))
        other = SelfAssessment.objects.get(
            campaign=self.campaign, target=self.stranger_org, indicator__code="A1"
        )
        with self.assertRaises(ValidationError):
            sa_services.self_assessment_save(actor=self.stranger, sa=other, self_score=D(1), narrative="x")

    def test_it_refuses_once_the_extension_has_passed(self):
        self.due("self_assess", self.today - 3 * DAY)
        DeadlineExtension.objects.create(
            campaign=self.campaign,
            org=self.county_org,
            phase="self_assess",
            due_on=self.today - DAY,
            reason="已过的延期",
            granted_by=self.office,
        )
        with self.assertRaisesMessage(
            ValidationError, f"本单位「自评填报」延期已于 {self.today - DAY:%Y-%m-%d} 截止"
        ):
            self.save()

    def test_it_says_so_on_the_list_and_offers_no_submit(self):
        self.due("self_assess", self.today - DAY)
        url = reverse("assessments:self_list", args=[self.campaign.pk, self.county_org.pk])
        response = self.client_for(self.county).get(url)
        self.assertContains(response, 'id="deadline-note"')
        self.assertNotContains(response, "提交全部已填写的自评")
        self.grant(self.county_org, "self_assess", self.today)
        response = self.client_for(self.county).get(url)
        self.assertNotContains(response, 'id="deadline-note"')
        self.assertContains(response, "提交全部已填写的自评")

    def test_it_shows_the_refusal_on_the_page(self):
        self.due("self_assess", self.today - DAY)
        response = self.client_for(self.county).post(
            reverse("assessments:self_detail", args=[self.sa.pk]), {"self_score": "38", "narrative": "已落实"}
        )
        self.assertContains(response, "「自评填报」已于")


class ScoringDeadlineTestCase(DeadlineTestCase):
    def setUp(self) -> None:
        self.advance_to("scoring")
        self.today = timezone.localdate()

    def save(self, actor, code: str = "A1"):
        score = self.score(self.county_org, code)
        return score_services.score_save(
            actor=actor,
            score=score,
            expected_version=score.version,
            items=[ItemInput(rule_id=score.indicator.rules.get(code=f"{code}-1").pk, reason="台账缺失")],
            reason="台账缺失",
        )

    def test_it_allows_scoring_on_the_deadline_day_itself(self):
        self.due("scoring", self.today)
        self.assertEqual(self.save(self.assessor).score, D(38))

    def test_it_refuses_entry_and_review_the_day_after(self):
        self.save(self.assessor)
        score = self.score(self.county_org, "A1")
        score_services.score_submit(actor=self.assessor, score=score, expected_version=score.version)
        self.due("scoring", self.today - DAY)
        with self.assertRaisesMessage(ValidationError, "「考评评分」已于"):
            self.save(self.assessor_b, "A2")
        score = self.score(self.county_org, "A1")
        with self.assertRaisesMessage(ValidationError, "「考评评分」已于"):
            score_services.score_approve(actor=self.reviewer, score=score, expected_version=score.version)

    def test_it_says_so_in_the_score_editor(self):
        self.due("scoring", self.today - DAY)
        url = reverse("assessments:score_detail", args=[self.score(self.county_org, "A1").pk])
        response = self.client_for(self.assessor).get(url)
        self.assertContains(response, 'id="score-deadline"')
        self.assertContains(response, "「考评评分」已于")
        self.grant(self.sfj, "scoring", self.today)
        self.assertNotContains(self.client_for(self.assessor).get(url), 'id="score-deadline"')

    def test_it_allows_the_unit_with_an_extension_and_not_another_unit(self):
        self.due("scoring", self.today - DAY)
        self.grant(self.sfj, "scoring", self.today + DAY)
        self.assertEqual(self.save(self.assessor).score, D(38))
        with self.assertRaises(ValidationError):
            self.save(self.assessor_b, "A2")


class ExtensionGrantTestCase(DeadlineTestCase):
    def setUp(self) -> None:
        self.advance_to("self_assess")
        self.today = timezone.localdate()

    def test_it_records_and_audits_the_grant(self):
        extension = self.grant(self.county_org, "self_assess", self.today + 60 * DAY)
        entry = AuditEntry.objects.get(action="assessments.deadline_extension.granted")
        self.assertEqual(entry.target_id, str(extension.pk))
        self.assertEqual(entry.data["reason"], "因汛期抢险延后")
        self.assertEqual(
            ext.effective_due(self.campaign, self.county_org.pk, "self_assess"), (extension.due_on, True)
        )

    def test_it_refuses_what_makes_no_sense(self):
        due = PhaseDeadline.objects.get(campaign=self.campaign, phase="self_assess").due_on
        cases = [
            (self.sfj, "self_assess", due + DAY, "不是本次考评的被考评单位"),
            (self.county_org, "scoring", due + 60 * DAY, "不是本次考评的考评单位"),
            (self.county_org, "self_assess", due, "延期日期须晚于「自评填报」截止日期"),
            (self.county_org, "self_assess", self.today - DAY, "已过"),
            (self.county_org, "appeal", due + DAY, "只有「自评填报」和「考评评分」阶段可以延期"),
        ]
        for org, phase, on, message in cases:
            with self.subTest(message), self.assertRaisesMessage(ValidationError, message):
                self.grant(org, phase, on)
        with self.assertRaisesMessage(ValidationError, "请填写延期理由"):
            ext.deadline_extension_grant(
                actor=self.office,
                campaign=self.campaign,
                org=self.county_org,
                phase="self_assess",
                due_on=due + DAY,
                reason=" ",
            )
        self.assertFalse(DeadlineExtension.objects.exists())

    def test_it_lets_only_the_office_grant(self):
        for actor in (self.county, self.assessor, self.stranger):
            with self.assertRaises(PermissionDenied):
                ext.deadline_extension_grant(
                    actor=actor,
                    campaign=self.campaign,
                    org=self.county_org,
                    phase="self_assess",
                    due_on=self.today + 60 * DAY,
                    reason="x",
                )

    def test_it_grants_on_the_page_and_lists_the_record(self):
        url = reverse("assessments:extensions", args=[self.campaign.pk])
        on = self.today + 60 * DAY
        client = self.client_for(self.office)
        response = client.post(
            url,
            {
                "org": self.county_org.pk,
                "phase": "self_assess",
                "due_on": on.isoformat(),
                "reason": "系统故障",
            },
            follow=True,
        )
        self.assertContains(response, f"延期至 {on:%Y-%m-%d}")
        self.assertContains(response, "系统故障")
        self.assertEqual(self.client_for(self.county).get(url).status_code, 403)
        self.assertEqual(self.client_for(self.stranger).get(url).status_code, 403)

    def test_it_grants_and_lists_through_the_api(self):
        url = f"/api/v1/assessments/campaigns/{self.campaign.pk}/extensions/"
        on = self.today + 60 * DAY
        client = (
            self.api_client_for(self.office)
            if hasattr(self, "api_client_for")
            else self.client_for(self.office)
        )
        response = client.post(
            url,
            {
                "org": self.county_org.code,
                "phase": "self_assess",
                "due_on": on.isoformat(),
                "reason": "系统故障",
            },
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["org_name"], self.county_org.display_name)
        rows = client.get(url).json()
        self.assertEqual(
            [(r["phase"], r["due_on"], r["reason"]) for r in rows],
            [("self_assess", on.isoformat(), "系统故障")],
        )
        response = client.post(
            url,
            {"org": self.county_org.code, "phase": "self_assess", "due_on": on.isoformat(), "reason": ""},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.client_for(self.stranger).get(url).status_code, 403)
