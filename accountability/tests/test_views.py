"""Pages of 述、评、督、责 and the dossiers, from each persona's side."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability import services
from accountability.models import AccountabilityAction, Finding, Rating, ShufaReport
from accountability.tests.helpers import YEAR, AccountabilityTestCase
from attachments.tests import samples


class ReportPagesTestCase(AccountabilityTestCase):
    def test_it_lets_a_leader_write_with_evidence_and_submit(self):
        client = self.client_for(self.leader)
        page = client.get(reverse("accountability:report_write", args=[self.shufa_round.pk]))
        self.assertContains(page, "第一责任人职责")  # the template pre-fills the body
        response = client.post(
            reverse("accountability:report_write", args=[self.shufa_round.pk]),
            {"body": "一、履职情况……", "upload": SimpleUploadedFile("佐证.pdf", samples.PDF)},
        )
        report = ShufaReport.objects.get()
        self.assertRedirects(response, reverse("accountability:report_detail", args=[report.pk]))
        self.assertEqual(report.evidence.count(), 1)
        client.post(reverse("accountability:report_submit", args=[report.pk]))
        report.refresh_from_db()
        self.assertEqual(report.state, "submitted")

    def test_it_shows_a_disguised_file_as_a_form_error_and_saves_nothing(self):
        response = self.client_for(self.leader).post(
            reverse("accountability:report_write", args=[self.shufa_round.pk]),
            {"body": "正文", "upload": SimpleUploadedFile("x.pdf", b"MZ\x90\x00not a pdf")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertFalse(ShufaReport.objects.exists())

    def test_it_hides_a_report_from_another_leader_and_an_unrelated_unit(self):
        report = self.submitted_report()
        for user in (self.leader_b, self.stranger, self.sysadmin):
            with self.subTest(user=user.username):
                response = self.client_for(user).get(
                    reverse("accountability:report_detail", args=[report.pk])
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.client_for(self.county)
            .get(reverse("accountability:report_detail", args=[report.pk]))
            .status_code,
            200,
        )

    def test_it_refuses_another_leader_submitting_a_report(self):
        report = services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="草稿")
        response = self.client_for(self.leader_b).post(
            reverse("accountability:report_submit", args=[report.pk])
        )
        self.assertEqual(response.status_code, 404)
        report.refresh_from_db()
        self.assertEqual(report.state, "draft")

    def test_it_shows_a_clear_message_for_a_score_out_of_range_and_saves_nothing(self):
        report = self.submitted_report()
        response = self.client_for(self.assessor).post(
            reverse("accountability:report_rate", args=[report.pk]),
            {"grade": "满意", "score": "120"},
            follow=True,
        )
        self.assertContains(response, "评分须为 0 到 100 之间的整数。")
        self.assertFalse(Rating.objects.exists())

    def test_it_lets_a_reviewer_rate_and_the_office_see_the_aggregate(self):
        report = self.submitted_report()
        self.client_for(self.assessor).post(
            reverse("accountability:report_rate", args=[report.pk]),
            {"grade": "满意", "score": "90", "comment": "好"},
        )
        self.client_for(self.expert).post(
            reverse("accountability:report_rate", args=[report.pk]), {"grade": "不满意", "score": "55"}
        )
        page = self.client_for(self.office).get(
            reverse("accountability:round_detail", args=[self.shufa_round.pk])
        )
        self.assertContains(page, "72.50")

    def test_it_refuses_a_reviewer_of_a_draft(self):
        report = services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="草稿")
        response = self.client_for(self.assessor).post(
            reverse("accountability:report_rate", args=[report.pk]), {"grade": "满意", "score": "90"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Rating.objects.exists())

    def test_it_lets_the_office_close_the_round_after_which_a_rating_is_refused_with_a_message(self):
        report = self.submitted_report()
        url = reverse("accountability:round_close", args=[self.shufa_round.pk])
        for user in (self.leader, self.county, self.assessor):
            with self.subTest(user=user.username):
                self.assertEqual(self.client_for(user).post(url).status_code, 404)
        self.shufa_round.refresh_from_db()
        self.assertFalse(self.shufa_round.is_closed)
        office = self.client_for(self.office)
        page = office.post(url, follow=True)
        self.assertContains(page, "述法工作已结束：不再接受提交、退回和评议。")
        self.assertContains(page, "结束，不再接受提交、退回和评议")
        self.assertNotContains(page, "结束本年度述法工作")
        rated = self.client_for(self.assessor).post(
            reverse("accountability:report_rate", args=[report.pk]),
            {"grade": "满意", "score": "90"},
            follow=True,
        )
        self.assertContains(rated, f"{YEAR}年的述法工作已结束，不能再提交、退回或评议述法报告。")
        self.assertFalse(Rating.objects.exists())


class DossierPagesTestCase(AccountabilityTestCase):
    def setUp(self) -> None:
        self.report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=self.report, grade="不满意", score=40)
        services.actions_propose(actor=self.office, year=YEAR)

    def url(self, leader=None, org=None):
        if leader is not None:
            return reverse("accountability:leader_dossier", args=[leader.pk, YEAR])
        return reverse("accountability:org_dossier", args=[org.pk, YEAR])

    def test_it_shows_a_leader_its_own_dossier_with_rating_and_actions(self):
        page = self.client_for(self.leader).get(self.url(leader=self.leader))
        self.assertContains(page, "40.00")
        self.assertContains(page, "约谈")
        self.assertContains(page, "述法评议不满意")

    def test_it_hides_another_leaders_dossier_and_other_orgs(self):
        self.assertEqual(self.client_for(self.leader_b).get(self.url(leader=self.leader)).status_code, 404)
        self.assertEqual(self.client_for(self.leader).get(self.url(org=self.stranger_org)).status_code, 404)
        self.assertEqual(self.client_for(self.stranger).get(self.url(org=self.county_org)).status_code, 404)
        self.assertEqual(self.client_for(self.stranger).get(self.url(leader=self.leader)).status_code, 404)
        self.assertEqual(self.client_for(self.auditadmin).get(self.url(org=self.county_org)).status_code, 404)

    def test_it_shows_a_unit_its_own_org_dossier(self):
        page = self.client_for(self.county).get(self.url(org=self.county_org))
        self.assertContains(page, self.leader.display_name)
        self.assertContains(page, "约谈")

    def test_it_redirects_a_leader_to_its_dossier_of_the_year(self):
        response = self.client_for(self.leader).get(reverse("accountability:my_dossier"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(f"/dossiers/leaders/{self.leader.pk}/", response["Location"])


class InspectionAndActionPagesTestCase(AccountabilityTestCase):
    def test_it_lets_the_office_plan_and_record_a_finding(self):
        client = self.client_for(self.office)
        response = client.post(
            reverse("accountability:plan_create"),
            {
                "year": YEAR,
                "topic": "法治政府建设综合督察",
                "start_on": f"{YEAR}-09-01",
                "end_on": f"{YEAR}-09-30",
                "targets": [self.county_org.pk],
                "team": [self.assessor.pk],
            },
        )
        self.assertEqual(response.status_code, 302)
        plan_url = response["Location"]
        pk = int(plan_url.rstrip("/").rsplit("/", 1)[1])
        response = self.client_for(self.assessor).post(
            reverse("accountability:finding_create", args=[pk]),
            {
                "finding-target": self.county_org.pk,
                "finding-text": "执法案卷不规范",
                "finding-severity": "serious",
                "finding-deadline": f"{YEAR}-08-01",
            },
            follow=True,
        )
        self.assertContains(response, "整改期限不能早于督察开始日期")
        self.assertFalse(Finding.objects.exists())
        self.client_for(self.assessor).post(
            reverse("accountability:finding_create", args=[pk]),
            {
                "finding-target": self.county_org.pk,
                "finding-text": "执法案卷不规范",
                "finding-severity": "serious",
                "finding-deadline": f"{YEAR}-12-01",
            },
        )
        self.assertEqual(Finding.objects.get().severity, "serious")

    def test_it_hides_a_plan_from_someone_not_on_the_team(self):
        plan = services.inspection_plan_create(
            actor=self.office,
            year=YEAR,
            topic="督察",
            start_on=datetime.date(YEAR, 9, 1),
            end_on=datetime.date(YEAR, 9, 2),
            targets=[self.county_org],
            team=[self.assessor],
        )
        for user in (self.county, self.stranger, self.leader):
            with self.subTest(user=user.username):
                self.assertEqual(
                    self.client_for(user)
                    .get(reverse("accountability:plan_detail", args=[plan.pk]))
                    .status_code,
                    404,
                )

    def test_it_decides_an_action_and_refuses_one_out_of_order(self):
        report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=report, grade="不满意", score=40)
        services.actions_propose(actor=self.office, year=YEAR)
        action = AccountabilityAction.objects.get(kind="talk")
        client = self.client_for(self.office)
        client.post(
            reverse("accountability:action_decide", args=[action.pk]),
            {"decision": "dismiss", "reason": "情节轻微"},
        )
        response = client.post(
            reverse("accountability:action_decide", args=[action.pk]),
            {"decision": "confirm", "reason": "再议"},
            follow=True,
        )
        self.assertContains(response, "当前状态为“已驳回”，不能确认。")
        action.refresh_from_db()
        self.assertEqual((action.state, action.decision_reason), ("dismissed", "情节轻微"))

    def test_it_lets_no_one_but_the_office_decide(self):
        report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=report, grade="不满意", score=40)
        services.actions_propose(actor=self.office, year=YEAR)
        action = AccountabilityAction.objects.first()
        for user in (self.leader, self.county, self.assessor):
            response = self.client_for(user).post(
                reverse("accountability:action_decide", args=[action.pk]),
                {"decision": "dismiss", "reason": "x"},
            )
            self.assertEqual(response.status_code, 404)
        action.refresh_from_db()
        self.assertEqual(action.state, "proposed")


class TodoTestCase(AccountabilityTestCase):
    def test_it_asks_a_reviewer_to_rate_and_a_leader_to_submit(self):
        from workbench import nav

        report = services.shufa_report_save(actor=self.leader, shufa_round=self.shufa_round, body="草稿")
        self.assertEqual([t.title for t in nav.todos_for(self.leader)], ["提交2026年 2026年度述法报告"])
        report = services.shufa_report_submit(actor=self.leader, report=report)
        self.assertIn("评议 1 份述法报告", [t.title for t in nav.todos_for(self.assessor)])
        services.rating_save(actor=self.assessor, report=report, grade="满意", score=90)
        self.assertNotIn("评议 1 份述法报告", [t.title for t in nav.todos_for(self.assessor)])
        self.assertEqual([t.title for t in nav.todos_for(self.stranger) if "述法" in t.title], [])
