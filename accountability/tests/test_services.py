"""述、评、督、责 through the services: the rules, refusals that change nothing, the audit."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accountability import services
from accountability.models import AccountabilityAction, Finding, Rating, ShufaReport, ShufaRound
from accountability.tests.helpers import YEAR, AccountabilityTestCase
from audit.models import AuditEntry

TODAY = timezone.localdate


class ShufaReportTestCase(AccountabilityTestCase):
    def test_it_saves_and_submits_a_report_with_audit(self):
        report = self.submitted_report()
        self.assertEqual(report.state, "submitted")
        self.assertIsNotNone(report.submitted_at)
        self.assertEqual(report.org, self.county_org)
        actions = list(
            AuditEntry.objects.filter(target_type="accountability.shufareport", target_id=str(report.pk))
            .order_by("seq")
            .values_list("action", flat=True)
        )
        self.assertEqual(actions, ["accountability.report.saved", "accountability.report.submitted"])

    def test_it_refuses_a_report_from_a_non_leader(self):
        with self.assertRaises(PermissionDenied):
            services.shufa_report_save(actor=self.county, shufa_round=self.shufa_round, body="代写")
        self.assertFalse(ShufaReport.objects.exists())

    def test_it_refuses_an_empty_body(self):
        with self.assertRaisesMessage(ValidationError, "请填写述法报告正文"):
            services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="  ")

    def test_it_refuses_to_submit_or_edit_after_the_deadline(self):
        report = services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="草稿")
        ShufaRound.objects.filter(pk=self.shufa_round.pk).update(
            deadline=TODAY() - datetime.timedelta(days=1)
        )
        with self.assertRaisesMessage(ValidationError, "已过提交截止日期"):
            services.shufa_report_submit(actor=self.leader, report=report)
        self.shufa_round.refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "已过提交截止日期"):
            services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="改")
        report.refresh_from_db()
        self.assertEqual((report.state, report.body), ("draft", "草稿"))

    def test_it_refuses_to_submit_twice_or_edit_a_submitted_report(self):
        report = self.submitted_report()
        with self.assertRaisesMessage(ValidationError, "当前状态为“已提交”，不能提交。"):
            services.shufa_report_submit(actor=self.leader, report=report)
        with self.assertRaisesMessage(ValidationError, "当前状态为“已提交”，不能修改。"):
            services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="改")
        self.assertEqual(ShufaReport.objects.get().body, "本年度履职情况")

    def test_it_returns_with_a_reason_and_lets_the_leader_resubmit(self):
        report = self.submitted_report()
        with self.assertRaisesMessage(ValidationError, "请写明理由"):
            services.shufa_report_return(actor=self.office, report=report, reason="")
        report = services.shufa_report_return(actor=self.office, report=report, reason="缺少第一责任人职责")
        self.assertEqual(report.state, "returned")
        services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="补充后")
        report = services.shufa_report_submit(actor=self.leader, report=report)
        self.assertEqual((report.state, report.return_reason), ("submitted", ""))

    def test_it_refuses_a_second_round_for_the_same_year(self):
        with self.assertRaisesMessage(ValidationError, "已开展"):
            services.shufa_round_create(
                actor=self.office, year=YEAR, title="重复", deadline=TODAY(), template="模板"
            )

    def test_it_refuses_a_leader_as_reviewer(self):
        with self.assertRaisesMessage(ValidationError, "不能担任评议人"):
            services.shufa_round_reviewers_set(
                actor=self.office, shufa_round=self.shufa_round, reviewers=[self.leader]
            )
        self.assertEqual(set(self.shufa_round.reviewers.all()), {self.assessor, self.expert})


class RatingTestCase(AccountabilityTestCase):
    def test_it_rates_and_rerates_a_submitted_report(self):
        report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=report, grade="满意", score=92, comment="履职到位")
        services.rating_save(actor=self.assessor, report=report, grade="基本满意", score=80)
        rating = Rating.objects.get()
        self.assertEqual((rating.grade, rating.score), ("基本满意", 80))

    def test_it_refuses_a_score_outside_0_100_and_an_unknown_grade(self):
        report = self.submitted_report()
        for grade, score, field in (
            ("满意", 101, "score"),
            ("满意", -1, "score"),
            ("满意", "九十", "score"),
            ("优秀", 90, "grade"),
        ):
            with self.subTest(score=score, grade=grade):
                with self.assertRaises(ValidationError) as caught:
                    services.rating_save(actor=self.assessor, report=report, grade=grade, score=score)
                self.assertIn(field, caught.exception.message_dict)
        self.assertFalse(Rating.objects.exists())

    def test_it_refuses_a_rating_by_someone_not_chosen(self):
        report = self.submitted_report()
        with self.assertRaises(PermissionDenied):
            services.rating_save(actor=self.stranger, report=report, grade="不满意", score=10)
        self.assertFalse(Rating.objects.exists())

    def test_it_refuses_to_rate_a_draft(self):
        report = services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="草稿")
        with self.assertRaisesMessage(ValidationError, "尚未提交"):
            services.rating_save(actor=self.assessor, report=report, grade="满意", score=90)


class InspectionTestCase(AccountabilityTestCase):
    def plan(self):
        return services.inspection_plan_create(
            actor=self.office,
            year=YEAR,
            topic="法治政府建设综合督察",
            start_on=datetime.date(YEAR, 9, 1),
            end_on=datetime.date(YEAR, 9, 30),
            targets=[self.county_org],
            team=[self.assessor],
        )

    def test_it_records_a_finding_by_a_team_member(self):
        plan = self.plan()
        record = services.inspection_record_create(
            actor=self.assessor,
            plan=plan,
            target=self.county_org,
            visited_on=datetime.date(YEAR, 9, 3),
            notes="查阅案卷",
        )
        finding = services.finding_create(
            actor=self.assessor,
            plan=plan,
            record=record,
            target=self.county_org,
            text="行政执法案卷不规范",
            severity="serious",
            deadline=datetime.date(YEAR, 12, 31),
        )
        self.assertEqual(finding.record, record)
        self.assertTrue(AuditEntry.objects.filter(action="accountability.finding.created").exists())

    def test_it_refuses_a_deadline_before_the_inspection(self):
        plan = self.plan()
        with self.assertRaisesMessage(ValidationError, "整改期限不能早于督察开始日期"):
            services.finding_create(
                actor=self.office,
                plan=plan,
                target=self.county_org,
                text="x",
                severity="general",
                deadline=datetime.date(YEAR, 8, 1),
            )
        self.assertFalse(Finding.objects.exists())

    def test_it_refuses_a_target_outside_the_plan_and_a_stranger(self):
        plan = self.plan()
        with self.assertRaisesMessage(ValidationError, "不是本次督察的对象"):
            services.finding_create(
                actor=self.office,
                plan=plan,
                target=self.stranger_org,
                text="x",
                severity="general",
                deadline=datetime.date(YEAR, 12, 1),
            )
        with self.assertRaises(PermissionDenied):
            services.finding_create(
                actor=self.stranger,
                plan=plan,
                target=self.county_org,
                text="x",
                severity="general",
                deadline=datetime.date(YEAR, 12, 1),
            )
        self.assertFalse(Finding.objects.exists())

    def test_it_refuses_an_end_before_the_start(self):
        with self.assertRaisesMessage(ValidationError, "结束日期不能早于开始日期"):
            services.inspection_plan_create(
                actor=self.office,
                year=YEAR,
                topic="督察",
                start_on=datetime.date(YEAR, 9, 30),
                end_on=datetime.date(YEAR, 9, 1),
                targets=[self.county_org],
                team=[self.assessor],
            )


class ActionTestCase(AccountabilityTestCase):
    def unsatisfied_report(self):
        report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=report, grade="不满意", score=40)
        services.rating_save(actor=self.expert, report=report, grade="不满意", score=50)
        return report

    def test_it_proposes_actions_from_unsatisfied_ratings_once(self):
        self.unsatisfied_report()
        created = services.actions_propose(actor=self.office, year=YEAR)
        self.assertEqual(sorted(a.kind for a in created), ["criticise", "talk"])
        self.assertTrue(all(a.leader == self.leader and a.state == "proposed" for a in created))
        self.assertEqual(services.actions_propose(actor=self.office, year=YEAR), [])
        self.assertEqual(AccountabilityAction.objects.count(), 2)

    def test_it_confirms_follows_up_and_closes_an_action(self):
        self.unsatisfied_report()
        action = services.actions_propose(actor=self.office, year=YEAR)[0]
        action = services.action_decide(
            actor=self.office, action=action, confirm=True, reason="经研究予以约谈"
        )
        action = services.action_follow_up(actor=self.office, action=action, note="已于12月约谈")
        action = services.action_follow_up(actor=self.office, action=action, note="整改到位", done=True)
        self.assertEqual(action.state, "done")
        self.assertIn("已于12月约谈", action.follow_up)
        self.assertIn("整改到位", action.follow_up)

    def test_it_refuses_a_decision_without_reason_or_out_of_order(self):
        self.unsatisfied_report()
        action = services.actions_propose(actor=self.office, year=YEAR)[0]
        with self.assertRaisesMessage(ValidationError, "请写明理由"):
            services.action_decide(actor=self.office, action=action, confirm=False, reason=" ")
        with self.assertRaisesMessage(ValidationError, "当前状态为“待确认”，不能办结。"):
            services.action_follow_up(actor=self.office, action=action, note="办结", done=True)
        services.action_decide(actor=self.office, action=action, confirm=False, reason="情节轻微")
        with self.assertRaisesMessage(ValidationError, "当前状态为“已驳回”，不能确认。"):
            services.action_decide(actor=self.office, action=action, confirm=True, reason="再议")
        action.refresh_from_db()
        self.assertEqual((action.state, action.decision_reason), ("dismissed", "情节轻微"))

    def test_it_lets_only_the_office_decide(self):
        self.unsatisfied_report()
        action = services.actions_propose(actor=self.office, year=YEAR)[0]
        with self.assertRaises(PermissionDenied):
            services.action_decide(actor=self.county, action=action, confirm=False, reason="不认")
        with self.assertRaises(PermissionDenied):
            services.actions_propose(actor=self.leader, year=YEAR)
