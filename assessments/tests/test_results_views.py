"""Every results page with allowed and denied personas; cross-target
visibility; pinned query counts on list pages; bad input changes nothing."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal as D

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Appeal, Phase, PhaseDeadline, Publication, Rectification, Score
from assessments.selectors import publication as pub
from assessments.services import appeals
from assessments.services import publication as publication_services
from assessments.tests.fixtures import ResultsTestCase, make_campaign
from problems.models import Problem

OUTSIDERS = ("expert", "sysadmin", "secadmin", "auditadmin")


class ResultsViewTestCase(ResultsTestCase):
    def get(self, user, name, *args, **params):
        return self.client_for(user).get(reverse(f"assessments:{name}", args=args), params)

    def set_phase(self, phase):
        self.campaign.phase = phase
        self.campaign.save()

    def publish(self) -> Publication:
        return publication_services.campaign_publish(actor=self.office, campaign=self.campaign)


class ResultsPageTestCase(ResultsViewTestCase):
    def test_it_shows_the_live_ranking_to_the_office(self):
        response = self.get(self.office, "results", self.campaign.pk)
        self.assertContains(response, "98.00")
        self.assertContains(response, "88.00")
        self.assertContains(response, "公布考评结果")

    def test_it_hides_unpublished_totals_from_targets_and_assessors(self):
        self.set_phase(Phase.APPEAL)
        for user in (self.county, self.stranger, self.assessor):
            response = self.get(user, "results", self.campaign.pk)
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "98.00")
            self.assertNotContains(response, "88.00")
            self.assertContains(response, "尚未公布")
        self.assertContains(self.get(self.county, "results", self.campaign.pk), "查看本单位得分")

    def test_it_denies_outsiders(self):
        for name in OUTSIDERS:
            self.assertEqual(self.get(getattr(self, name), "results", self.campaign.pk).status_code, 404)
            self.assertIn(self.get(getattr(self, name), "results_index").status_code, (403, 404))

    def test_it_lists_campaigns_in_a_constant_number_of_queries(self):
        client = self.client_for(self.office)
        client.get(reverse("assessments:results_index"))
        with self.assertNumQueries(4):
            client.get(reverse("assessments:results_index"))
        for year in (2021, 2022):
            make_campaign(self, year=year, phase=Phase.SCORING)
        with self.assertNumQueries(4):
            response = client.get(reverse("assessments:results_index"))
        self.assertContains(response, "2021年度法治建设考评")

    def test_it_renders_the_live_ranking_in_a_constant_number_of_queries(self):
        client = self.client_for(self.office)
        url = reverse("assessments:results", args=[self.campaign.pk])
        client.get(url)
        # 17: + the classes (分类考评), + the totals checked against the scores (审定)
        with self.assertNumQueries(17):
            client.get(url)
        Score.objects.filter(campaign=self.campaign, target=self.stranger_org, indicator__code="A1").update(
            status="submitted"
        )
        # 17: + the classes (分类考评), + the totals checked against the scores (审定)
        with self.assertNumQueries(17):
            client.get(url)

    def test_it_exports_the_draft_ranking_for_the_office_only(self):
        response = self.get(self.office, "results_live_xlsx", self.campaign.pk)
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[1][:4], (1, "440703", "蓬江区", 98))
        self.assertEqual(self.get(self.county, "results_live_xlsx", self.campaign.pk).status_code, 403)


class WhatIfViewTestCase(ResultsViewTestCase):
    def test_it_moves_grades_with_the_thresholds_and_saves_nothing(self):
        params = {"social_weight": "0", "bonus_cap": "5", "excellent": "99", "good": "85", "fair": "60"}
        response = self.get(self.office, "what_if", self.campaign.pk, **params)
        self.assertContains(
            response, "<strong>0</strong> 个单位名次变化，<strong>1</strong> 个单位等次变化", html=False
        )
        self.assertContains(response, "bi-arrow-right")
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.grade_rules["thresholds"]["优秀"], 90)

    def test_it_shows_rank_arrows_when_the_social_weight_moves_ranks(self):
        from assessments.models import SocialEvaluation

        SocialEvaluation.objects.create(campaign=self.campaign, target=self.county_org, score=D(10))
        SocialEvaluation.objects.create(campaign=self.campaign, target=self.stranger_org, score=D(100))
        params = {"social_weight": "0.5", "bonus_cap": "5", "excellent": "90", "good": "80", "fair": "60"}
        response = self.client_for(self.office).get(
            reverse("assessments:what_if", args=[self.campaign.pk]), params, HTTP_HX_REQUEST="true"
        )
        self.assertContains(response, "bi-arrow-up")
        self.assertContains(response, "bi-arrow-down")
        self.assertNotContains(response, "<html")  # the partial only

    def test_it_explains_bad_thresholds_and_keeps_the_official_rules(self):
        params = {"social_weight": "2", "bonus_cap": "5", "excellent": "70", "good": "80", "fair": "60"}
        response = self.get(self.office, "what_if", self.campaign.pk, **params)
        self.assertContains(response, "测算参数有误")
        self.assertContains(response, "优秀 ＞ 良好 ＞ 一般")

    def test_it_is_for_the_office_only(self):
        for user in (self.county, self.assessor):
            self.assertEqual(self.get(user, "what_if", self.campaign.pk).status_code, 403)
        self.assertEqual(self.get(self.expert, "what_if", self.campaign.pk).status_code, 404)


class PublishViewTestCase(ResultsViewTestCase):
    def test_it_publishes_for_the_office(self):
        response = self.client_for(self.office).post(reverse("assessments:publish", args=[self.campaign.pk]))
        self.assertRedirects(response, reverse("assessments:publication", args=[self.campaign.pk]))
        self.assertTrue(Publication.objects.filter(campaign=self.campaign).exists())

    def test_it_refuses_others_and_changes_nothing(self):
        for user in (self.county, self.assessor):
            response = self.client_for(user).post(reverse("assessments:publish", args=[self.campaign.pk]))
            self.assertEqual(response.status_code, 403)
        self.assertFalse(Publication.objects.exists())

    def test_it_shows_why_it_cannot_publish(self):
        self.set_phase(Phase.APPEAL)
        response = self.client_for(self.office).post(
            reverse("assessments:publish", args=[self.campaign.pk]), follow=True
        )
        self.assertContains(response, "只有处于“审定”阶段的考评可以公布")
        self.assertFalse(Publication.objects.exists())


class PublicationViewTestCase(ResultsViewTestCase):
    def setUp(self):
        self.publication = self.publish()

    def test_it_shows_the_hash_and_everyone_in_the_campaign_the_ranking(self):
        for user in (self.office, self.county, self.stranger, self.assessor):
            response = self.get(user, "results", self.campaign.pk)
            self.assertContains(response, self.publication.sha256)
            self.assertContains(response, "98.00")
        for name in OUTSIDERS:
            self.assertEqual(self.get(getattr(self, name), "publication", self.campaign.pk).status_code, 404)

    def test_it_offers_each_target_only_its_own_feedback(self):
        response = self.get(self.county, "publication", self.campaign.pk)
        self.assertContains(
            response, reverse("assessments:feedback", args=[self.campaign.pk, self.county_org.pk])
        )
        self.assertNotContains(
            response, reverse("assessments:feedback", args=[self.campaign.pk, self.stranger_org.pk])
        )
        office = self.get(self.office, "publication", self.campaign.pk)
        self.assertContains(
            office, reverse("assessments:feedback", args=[self.campaign.pk, self.stranger_org.pk])
        )

    def test_it_serves_the_documents(self):
        notice = self.get(self.county, "publication_notice", self.campaign.pk)
        self.assertEqual(notice.status_code, 200)
        self.assertIn("wordprocessingml", notice["Content-Type"])
        self.assertIn("filename*=UTF-8''", notice["Content-Disposition"])
        ranking = self.get(self.assessor, "publication_ranking", self.campaign.pk)
        self.assertIn("spreadsheetml", ranking["Content-Type"])
        snapshot = self.get(self.office, "publication_snapshot", self.campaign.pk)
        self.assertEqual(pub.snapshot_hash(json.loads(snapshot.content)), self.publication.sha256)
        self.assertEqual(self.get(self.county, "publication_snapshot", self.campaign.pk).status_code, 403)

    def test_it_keeps_feedback_to_the_target_and_the_office(self):
        own = (self.campaign.pk, self.county_org.pk)
        self.assertContains(self.get(self.county, "feedback", *own), "A1台账不完整")
        self.assertEqual(self.get(self.county, "feedback_docx", *own).status_code, 200)
        self.assertEqual(self.get(self.office, "feedback", *own).status_code, 200)
        for user in (self.stranger, self.assessor, self.expert):
            self.assertEqual(self.get(user, "feedback", *own).status_code, 404)
            self.assertEqual(self.get(user, "feedback_docx", *own).status_code, 404)

    def test_it_sends_a_lost_point_to_the_rectification_list(self):
        url = reverse("assessments:feedback_rectify", args=[self.campaign.pk, self.county_org.pk])
        response = self.client_for(self.county).post(url, {"indicator": "A1"}, follow=True)
        self.assertContains(response, "已将 A1 列入整改：问题线索 WT")
        self.assertContains(response, "已列入整改")
        again = self.client_for(self.county).post(url, {"indicator": "A1"}, follow=True)
        self.assertContains(again, "该失分项已列入整改清单")
        self.assertEqual((Problem.objects.count(), Rectification.objects.count()), (1, 0))
        self.assertEqual(self.client_for(self.stranger).post(url, {"indicator": "A1"}).status_code, 404)

    def test_it_answers_404_before_publication(self):
        other = make_campaign(self, year=2024, phase=Phase.FINAL_REVIEW)
        self.assertEqual(self.get(self.office, "publication", other.pk).status_code, 404)


class TargetScoresViewTestCase(ResultsViewTestCase):
    def test_it_shows_a_target_its_own_scores_with_appeal_links_in_the_window(self):
        self.set_phase(Phase.APPEAL)
        response = self.get(self.county, "target_scores", self.campaign.pk, self.county_org.pk)
        self.assertContains(response, "重大行政决策合法性审查")
        self.assertContains(
            response, reverse("assessments:appeal_create", args=[self.score_of(self.county_org, "A1").pk])
        )

    def test_it_lists_scores_not_yet_entered(self):
        self.set_phase(Phase.FEEDBACK)
        Score.objects.filter(target=self.county_org, indicator__code="A2").update(
            score=None, status="draft", assessor_org=None, entered_by=None, reviewed_by=None
        )
        response = self.get(self.county, "target_scores", self.campaign.pk, self.county_org.pk)
        self.assertContains(response, "经办填写")

    def test_it_never_shows_another_targets_scores_during_appeals(self):
        self.set_phase(Phase.APPEAL)
        other = (self.campaign.pk, self.stranger_org.pk)
        self.assertEqual(self.get(self.county, "target_scores", *other).status_code, 404)
        stranger_score = self.score_of(self.stranger_org, "A2")
        self.assertEqual(self.get(self.county, "score_drilldown", stranger_score.pk).status_code, 404)
        self.assertEqual(self.get(self.assessor, "target_scores", *other).status_code, 404)

    def test_it_hides_own_scores_before_feedback(self):
        self.set_phase(Phase.SCORING)
        self.assertEqual(
            self.get(self.county, "target_scores", self.campaign.pk, self.county_org.pk).status_code, 404
        )


class DrilldownViewTestCase(ResultsViewTestCase):
    def test_it_traces_a_score_from_rule_to_appeal(self):
        self.set_phase(Phase.APPEAL)
        score = self.score_of(self.county_org, "A1")
        appeal = appeals.appeal_create(actor=self.county, score=score, reason="请复核")
        response = self.get(self.office, "score_drilldown", score.pk)
        for text in (
            "A1-1 未经合法性审查作出重大决策的",
            "A1发现问题",
            "案卷编号2023-01",
            "A1台账不完整",
            "查阅了2023年度台账",
            "assessor_sfj_sh",
            f"申诉 #{appeal.pk}",
        ):
            self.assertContains(response, text)

    def test_it_lets_only_the_responsible_unit_and_the_target_see_it(self):
        self.set_phase(Phase.FEEDBACK)
        score = self.score_of(self.county_org, "A1")
        self.assertEqual(self.get(self.assessor, "score_drilldown", score.pk).status_code, 200)
        self.assertEqual(self.get(self.county, "score_drilldown", score.pk).status_code, 200)
        for user in (self.assessor_b, self.stranger, self.expert):
            self.assertEqual(self.get(user, "score_drilldown", score.pk).status_code, 404)


class AppealViewTestCase(ResultsViewTestCase):
    def setUp(self):
        self.set_phase(Phase.APPEAL)
        self.score = self.score_of(self.county_org, "A1")

    def test_it_takes_an_appeal_with_files(self):
        upload = SimpleUploadedFile("说明.txt", "台账补充说明".encode(), content_type="text/plain")
        response = self.client_for(self.county).post(
            reverse("assessments:appeal_create", args=[self.score.pk]),
            {"reason": "台账已补充", "evidence": [upload]},
        )
        appeal = Appeal.objects.get()
        self.assertRedirects(response, reverse("assessments:appeal_detail", args=[appeal.pk]))
        self.assertEqual([a.original_name for a in appeal.evidence.all()], ["说明.txt"])
        # the assessing unit answering it may open the file
        attachment = appeal.evidence.get()
        download = self.client_for(self.assessor).get(reverse("attachments:download", args=[attachment.pk]))
        self.assertEqual(download.status_code, 200)
        self.assertEqual(
            self.client_for(self.assessor_b)
            .get(reverse("attachments:download", args=[attachment.pk]))
            .status_code,
            404,
        )

    def test_it_refuses_an_appeal_after_the_window_with_a_clear_message(self):
        PhaseDeadline.objects.filter(campaign=self.campaign, phase=Phase.APPEAL).update(
            due_on=timezone.localdate() - datetime.timedelta(days=1)
        )
        url = reverse("assessments:appeal_create", args=[self.score.pk])
        self.assertContains(self.client_for(self.county).get(url), "申诉期已于")
        response = self.client_for(self.county).post(url, {"reason": "迟到的申诉"})
        self.assertContains(response, "申诉期已于", status_code=400)
        self.assertFalse(Appeal.objects.exists())

    def test_it_denies_others_the_appeal_form(self):
        url = reverse("assessments:appeal_create", args=[self.score.pk])
        self.assertEqual(self.client_for(self.stranger).get(url).status_code, 404)
        self.assertEqual(self.client_for(self.assessor).get(url).status_code, 403)
        self.assertEqual(self.client_for(self.expert).get(url).status_code, 404)

    def test_it_runs_answer_and_decision_through_the_pages(self):
        appeal = appeals.appeal_create(actor=self.county, score=self.score, reason="请复核")
        detail = reverse("assessments:appeal_detail", args=[appeal.pk])
        self.assertContains(self.client_for(self.assessor).get(detail), "提交答复")
        self.assertNotContains(self.client_for(self.county).get(detail), "提交答复")
        for user in (self.assessor_b, self.stranger, self.expert):
            self.assertEqual(self.client_for(user).get(detail).status_code, 404)
        answer = reverse("assessments:appeal_answer", args=[appeal.pk])
        self.assertEqual(self.client_for(self.assessor).post(answer, {"answer": "同意复核"}).status_code, 302)
        decide = reverse("assessments:appeal_decide", args=[appeal.pk])
        bad = self.client_for(self.office).post(
            decide, {"decision": "changed", "decided_score": "41", "decision_note": "x"}
        )
        self.assertContains(bad, "得分须在 0 至 40 分之间", status_code=400)
        self.assertEqual(Score.objects.get(pk=self.score.pk).score, D("38.00"))
        self.assertEqual(self.client_for(self.county).post(decide, {"decision": "upheld"}).status_code, 403)
        ok = self.client_for(self.office).post(
            decide, {"decision": "changed", "decided_score": "39.5", "decision_note": "部分采纳"}
        )
        self.assertEqual(ok.status_code, 302)
        self.assertEqual(Score.objects.get(pk=self.score.pk).score, D("39.50"))

    def test_it_lists_appeals_by_role_in_a_constant_number_of_queries(self):
        appeals.appeal_create(actor=self.county, score=self.score, reason="一")
        client = self.client_for(self.office)
        url = reverse("assessments:appeal_list")
        client.get(url)
        with self.assertNumQueries(4):
            client.get(url)
        for code in ("B1",):
            appeals.appeal_create(actor=self.county, score=self.score_of(self.county_org, code), reason="二")
        appeals.appeal_create(actor=self.stranger, score=self.score_of(self.stranger_org, "A2"), reason="三")
        with self.assertNumQueries(4):
            response = client.get(url)
        self.assertContains(response, "江海区")
        self.assertNotContains(self.client_for(self.county).get(url), "江海区")
        sfj = self.client_for(self.assessor).get(url)  # 司法局 owns A1, B1 but not A2
        self.assertContains(sfj, "A1 ")
        self.assertNotContains(sfj, "A2 ")
        self.assertEqual(self.client_for(self.expert).get(url).status_code, 403)


class RectificationViewTestCase(ResultsViewTestCase):
    """The 整改清单 is the problem tracker now; its old addresses lead there."""

    def test_it_sends_the_list_to_the_tracker_filtered_to_lost_points(self):
        url = reverse("assessments:rectification_list")
        response = self.client_for(self.office).get(url, {"status": "done"})
        self.assertRedirects(
            response, "/problems/?source=assessment&state=closed", fetch_redirect_response=False
        )
        self.assertEqual(self.client_for(self.assessor).get(url).status_code, 403)

    def test_it_marks_nothing_done_any_more_and_points_to_the_tracker(self):
        url = reverse("assessments:rectification_done", args=[1])
        response = self.client_for(self.county).post(url, {"done": "1"})
        self.assertRedirects(response, "/problems/?source=assessment", fetch_redirect_response=False)
        self.assertEqual(self.client_for(self.assessor).post(url).status_code, 403)


class TrendsViewTestCase(ResultsViewTestCase):
    def setUp(self):
        self.publish()
        earlier = make_campaign(
            self,
            year=2022,
            phase=Phase.FINAL_REVIEW,
            scores={
                self.county_org: {"A1": "36", "A2": "27", "B1": "24"},
                self.stranger_org: {"A1": "40", "A2": "30", "B1": "27"},
            },
        )
        publication_services.campaign_publish(actor=self.office, campaign=earlier)

    def test_it_shows_a_target_its_years_only(self):
        response = self.get(self.county, "trends", target="440704")
        self.assertContains(response, "历年对比 · 蓬江区")
        self.assertContains(response, "data-chart-src")
        self.assertNotContains(response, "江海区")

    def test_it_lets_the_office_choose_a_target(self):
        response = self.get(self.office, "trends", target="440704")
        self.assertContains(response, "历年对比 · 江海区")

    def test_it_builds_chart_options_and_exports_the_same_data(self):
        chart = self.get(self.office, "trends_chart", "total", target="440703").json()
        self.assertEqual(chart["xAxis"]["data"], ["2022", "2023"])
        self.assertEqual(chart["series"][0]["data"], [87.0, 98.0])
        self.assertEqual(chart["series"][1]["data"], [2, 1])
        sections = self.get(self.office, "trends_chart", "sections", target="440703").json()
        self.assertEqual(sections["series"][0]["data"], [90.0, 80.0])  # 2022: 63/70, 24/30
        response = self.get(self.office, "trends_xlsx", "sections", target="440703")
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[0], ("板块", "2022年", "2023年", "变化"))
        self.assertEqual(rows[1], ("法治政府建设", 63, 68, 5))
        total = self.get(self.office, "trends_xlsx", "total", target="440703")
        rows = list(openpyxl.load_workbook(io.BytesIO(total.content)).active.iter_rows(values_only=True))
        self.assertEqual(
            rows[1:], [(2022, 87, 2, 2, "良好", "本系统公布"), (2023, 98, 1, 2, "优秀", "本系统公布")]
        )

    def test_it_denies_assessors_and_outsiders(self):
        for user in (self.assessor, self.expert, self.auditadmin):
            self.assertEqual(self.get(user, "trends").status_code, 403)
            self.assertEqual(self.get(user, "trends_chart", "total").status_code, 403)
