from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.models import Campaign, PhaseChange, PhaseDeadline, Score, SelfAssessment
from assessments.services import campaigns as services
from assessments.services import self_assessments as sa_services
from assessments.tests.fixtures import WorkflowTestCase, build_framework, future_deadlines
from assessments.todos import assessment_todos
from audit.models import AuditEntry


class CampaignCreateTestCase(WorkflowTestCase):
    def test_it_refuses_a_deadline_in_the_past_and_creates_nothing(self):
        deadlines = future_deadlines()
        deadlines["self_assess"] = (None, timezone.localdate() - datetime.timedelta(days=1))
        before = Campaign.objects.count()
        with self.assertRaises(ValidationError) as ctx:
            services.campaign_create(
                actor=self.office,
                year=2024,
                name="2024年度",
                framework=self.framework,
                targets=[self.county_org],
                deadlines=deadlines,
            )
        self.assertIn("「自评填报」截止日期", ctx.exception.messages[0])
        self.assertIn("已过", ctx.exception.messages[0])
        self.assertEqual(Campaign.objects.count(), before)

    def test_it_refuses_deadlines_out_of_phase_order(self):
        deadlines = future_deadlines()
        deadlines["scoring"] = (None, deadlines["self_assess"][1] - datetime.timedelta(days=1))
        with self.assertRaises(ValidationError) as ctx:
            services.campaign_create(
                actor=self.office,
                year=2024,
                name="2024",
                framework=self.framework,
                targets=[self.county_org],
                deadlines=deadlines,
            )
        self.assertIn("不能早于「自评填报」截止日期", " ".join(ctx.exception.messages))

    def test_it_needs_a_locked_framework(self):
        draft = build_framework(self.office, self.sfj, self.gaj, year=2024, lock=False)
        with self.assertRaises(ValidationError) as ctx:
            services.campaign_create(
                actor=self.office,
                year=2024,
                name="2024",
                framework=draft,
                targets=[self.county_org],
                deadlines=future_deadlines(),
            )
        self.assertIn("尚未锁定", ctx.exception.messages[0])

    def test_it_takes_the_assessing_units_from_the_framework(self):
        self.assertEqual(set(self.campaign.assessors.all()), {self.sfj, self.gaj})
        self.assertEqual(PhaseDeadline.objects.filter(campaign=self.campaign).count(), 7)

    def test_it_keeps_past_deadlines_unchanged_but_refuses_new_past_ones(self):
        past = timezone.localdate() - datetime.timedelta(days=5)
        PhaseDeadline.objects.filter(campaign=self.campaign, phase="deploy").update(due_on=past)
        deadlines = {d.phase: (d.starts_on, d.due_on) for d in self.campaign.deadlines.all()}
        deadlines["published"] = (None, deadlines["published"][1] + datetime.timedelta(days=3))
        services.campaign_set_deadlines(actor=self.office, campaign=self.campaign, deadlines=deadlines)
        deadlines["scoring"] = (None, past)
        with self.assertRaises(ValidationError):
            services.campaign_set_deadlines(actor=self.office, campaign=self.campaign, deadlines=deadlines)
        self.assertNotEqual(self.campaign.deadlines.get(phase="scoring").due_on, past)


class PhaseTestCase(WorkflowTestCase):
    def test_it_creates_the_rows_of_each_phase(self):
        self.advance_to("self_assess")
        # A1, A2, B1, B2 for two targets
        self.assertEqual(SelfAssessment.objects.filter(campaign=self.campaign).count(), 8)
        self.advance_to("scoring")
        self.assertEqual(Score.objects.filter(campaign=self.campaign).count(), 8)

    def test_it_respects_which_targets_an_indicator_applies_to(self):
        a2 = self.indicator("A2")
        a2.applies_to.set([self.county_org])
        self.advance_to("self_assess")
        self.assertFalse(
            SelfAssessment.objects.filter(
                campaign=self.campaign, target=self.stranger_org, indicator=a2
            ).exists()
        )
        self.assertEqual(SelfAssessment.objects.filter(campaign=self.campaign).count(), 7)

    def test_it_lists_targets_that_have_not_submitted_and_refuses_to_move_on(self):
        self.advance_to("self_assess")
        for sa in SelfAssessment.objects.filter(campaign=self.campaign, target=self.county_org):
            sa_services.self_assessment_save(actor=self.county, sa=sa, self_score=D(1), narrative="已开展")
            sa_services.self_assessment_submit(actor=self.county, sa=sa)
        missing = services.campaign_missing(self.campaign)
        self.assertEqual(missing, ["江海区：4 项自评未提交。"])
        with self.assertRaises(ValidationError) as ctx:
            services.campaign_advance(actor=self.office, campaign=self.campaign)
        self.assertIn("江海区：4 项自评未提交。", ctx.exception.messages)
        self.assertEqual(Campaign.objects.get(pk=self.campaign.pk).phase, "self_assess")

    def test_it_moves_on_with_outstanding_items_only_with_a_note(self):
        self.advance_to("self_assess")
        with self.assertRaises(ValidationError):
            services.campaign_advance(actor=self.office, campaign=self.campaign, force=True, note="")
        campaign = services.campaign_advance(
            actor=self.office, campaign=self.campaign, force=True, note="延期单位另行处理"
        )
        self.assertEqual(campaign.phase, "scoring")
        change = PhaseChange.objects.filter(campaign=campaign).last()
        self.assertEqual(len(change.missing), 2)
        self.assertTrue(AuditEntry.objects.filter(action="assessments.campaign.phase_advanced").exists())

    def test_it_lists_units_with_unscored_or_unreviewed_indicators(self):
        self.advance_to("scoring")
        missing = services.campaign_missing(self.campaign)
        self.assertIn("江门市司法局：6 项未评分。", missing)
        self.assertIn("江门市公安局：2 项未评分。", missing)

    def test_it_leaves_publication_to_the_results_side(self):
        self.advance_to("review")
        with self.assertRaises(ValidationError) as ctx:
            services.campaign_advance(actor=self.office, campaign=self.campaign, force=True, note="x")
        self.assertIn("发布", ctx.exception.messages[0])


class TodoTestCase(WorkflowTestCase):
    def test_it_gives_each_party_its_own_to_dos_with_reminders(self):
        self.advance_to("self_assess")
        PhaseDeadline.objects.filter(campaign=self.campaign, phase="self_assess").update(
            due_on=timezone.localdate() + datetime.timedelta(days=2)
        )
        county = list(assessment_todos(self.county))
        self.assertEqual(len(county), 1)
        self.assertIn("自评填报（已提交 0/4 项）", county[0].title)
        self.assertTrue(county[0].urgent)
        self.assertEqual(county[0].detail, "还有 2 天截止")
        office = list(assessment_todos(self.office))
        self.assertIn("自评填报", office[0].title)
        self.assertEqual(list(assessment_todos(self.assessor)), [])
        for persona in (self.sysadmin, self.auditadmin, self.expert):
            self.assertEqual(list(assessment_todos(persona)), [])

    def test_it_reminds_assessors_and_reviewers_in_the_scoring_phase(self):
        self.advance_to("scoring")
        todos = list(assessment_todos(self.assessor))
        self.assertIn("6 项未评分", todos[0].title)
        self.assertFalse(todos[0].urgent)
        self.assertEqual(list(assessment_todos(self.county)), [])

    def test_it_flags_returned_self_assessments_as_urgent(self):
        self.advance_to("self_assess")
        sa = SelfAssessment.objects.filter(campaign=self.campaign, target=self.county_org).first()
        sa_services.self_assessment_save(actor=self.county, sa=sa, self_score=D(1), narrative="说明")
        sa_services.self_assessment_submit(actor=self.county, sa=sa)
        sa_services.self_assessment_return(actor=self.office, sa=sa, reason="佐证不足")
        todos = list(assessment_todos(self.county))
        self.assertTrue(any("被依法治办退回" in t.title and t.urgent for t in todos))
        self.assertEqual([t for t in assessment_todos(self.stranger) if "退回" in t.title], [])


class SelfAssessmentTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to("self_assess")
        self.sa = SelfAssessment.objects.select_related("campaign", "indicator").get(
            campaign=self.campaign, target=self.county_org, indicator__code="A1"
        )

    def test_it_saves_drafts_and_submits(self):
        sa_services.self_assessment_save(
            actor=self.county, sa=self.sa, self_score=D("38.5"), narrative="已建立目录"
        )
        self.sa.refresh_from_db()
        self.assertEqual((self.sa.status, self.sa.self_score), ("draft", D("38.5")))
        sa_services.self_assessment_submit(actor=self.county, sa=self.sa)
        self.sa.refresh_from_db()
        self.assertEqual(self.sa.status, "submitted")
        with self.assertRaises(ValidationError):
            sa_services.self_assessment_save(actor=self.county, sa=self.sa, self_score=D(1), narrative="改")

    def test_it_refuses_a_self_score_above_the_indicator_points(self):
        with self.assertRaises(ValidationError) as ctx:
            sa_services.self_assessment_save(actor=self.county, sa=self.sa, self_score=D(41), narrative="x")
        self.assertIn("0 至 40 分", str(ctx.exception))
        self.sa.refresh_from_db()
        self.assertIsNone(self.sa.self_score)

    def test_it_refuses_another_countys_self_assessment(self):
        with self.assertRaises(PermissionDenied):
            sa_services.self_assessment_save(actor=self.stranger, sa=self.sa, self_score=D(1), narrative="x")

    def test_it_needs_score_and_narrative_to_submit(self):
        with self.assertRaises(ValidationError) as ctx:
            sa_services.self_assessment_submit(actor=self.county, sa=self.sa)
        self.assertIn("未填写自评分", ctx.exception.messages[0])

    def test_it_lets_the_office_return_an_item_and_the_target_resubmit(self):
        sa_services.self_assessment_save(actor=self.county, sa=self.sa, self_score=D(40), narrative="说明")
        sa_services.self_assessment_submit(actor=self.county, sa=self.sa)
        with self.assertRaises(ValidationError):
            sa_services.self_assessment_return(actor=self.office, sa=self.sa, reason=" ")
        with self.assertRaises(PermissionDenied):
            sa_services.self_assessment_return(actor=self.assessor, sa=self.sa, reason="x")
        sa_services.self_assessment_return(actor=self.office, sa=self.sa, reason="缺少审查意见书")
        self.sa.refresh_from_db()
        self.assertEqual((self.sa.status, self.sa.return_reason), ("returned", "缺少审查意见书"))
        sa_services.self_assessment_save(actor=self.county, sa=self.sa, self_score=D(39), narrative="补充")
        sa_services.self_assessment_submit(actor=self.county, sa=self.sa)
        self.sa.refresh_from_db()
        self.assertEqual(self.sa.status, "submitted")

    def test_it_submits_all_complete_items_and_reports_the_rest(self):
        for sa in SelfAssessment.objects.filter(campaign=self.campaign, target=self.county_org).exclude(
            pk=self.sa.pk
        ):
            sa_services.self_assessment_save(actor=self.county, sa=sa, self_score=D(1), narrative="说明")
        count, problems = sa_services.self_assessment_submit_all(
            actor=self.county, campaign=self.campaign, target=self.county_org
        )
        self.assertEqual(count, 3)
        self.assertEqual(len(problems), 1)
        self.assertIn("A1", problems[0])
