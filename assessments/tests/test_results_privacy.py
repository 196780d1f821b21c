"""A county's results show counts and details only about itself: of the other
targets it sees what the published ranking says (名次, 总分, 指标得分, 加分,
负面清单扣分, 社会评议, 等次), never their lost points, 板块 or indicator
scores, appeals or 整改 items — on the pages, in the workbook, in the API and
on its home page. Each test looks as 蓬江区 (county) and as 江海区 (stranger)."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from assessments.models import Appeal, AppealStatus, Phase, Publication, Rectification
from assessments.selectors import publication as pub
from assessments.services import publication as publication_services
from assessments.services import rectifications as rectification_services
from assessments.tests.fixtures import ResultsTestCase
from problems.models import Problem

API = "/api/v1/assessments"
PENGJIANG, JIANGHAI = "440703", "440704"


class PrivacyTestCase(ResultsTestCase):
    def appeal(self, target, code: str, *, decided: bool) -> Appeal:
        return Appeal.objects.create(
            campaign=self.campaign,
            target=target,
            score=self.score_of(target, code),
            reason="请复核",
            status=AppealStatus.DECIDED if decided else AppealStatus.SUBMITTED,
            decision="upheld" if decided else "",
            decided_at=timezone.now() if decided else None,
        )

    def publish(self) -> Publication:
        self.appeal(self.stranger_org, "A2", decided=True)  # 江海区 appealed; upheld
        return publication_services.campaign_publish(actor=self.office, campaign=self.campaign)

    def api_json(self, user, path: str) -> dict:
        response = self.client_for(user).get(f"{API}/{path}")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def workbook(self, user) -> openpyxl.Workbook:
        response = self.client_for(user).get(
            reverse("assessments:publication_ranking", args=[self.campaign.pk])
        )
        self.assertEqual(response.status_code, 200)
        return openpyxl.load_workbook(io.BytesIO(response.content))


class OpenAppealCountTestCase(PrivacyTestCase):
    def test_it_counts_only_the_readers_own_open_appeals_on_the_results_list(self):
        self.campaign.phase = Phase.APPEAL
        self.campaign.save()
        self.appeal(self.stranger_org, "A2", decided=False)
        self.appeal(self.stranger_org, "B1", decided=False)
        url = reverse("assessments:results_index")
        county = self.client_for(self.county).get(url)
        self.assertNotContains(county, 'badge text-bg-warning">2<')
        self.assertContains(county, '<td class="num">—</td>', html=False)
        self.assertContains(self.client_for(self.stranger).get(url), 'badge text-bg-warning">2<')
        self.assertContains(self.client_for(self.office).get(url), 'badge text-bg-warning">2<')
        # 司法局 scores B1, not A2: it counts the appeal on its own indicator only
        self.assertContains(self.client_for(self.assessor).get(url), 'badge text-bg-warning">1<')

    def test_it_never_shows_a_county_the_appeals_or_整改_of_another_on_its_home_page(self):
        self.campaign.phase = Phase.APPEAL
        self.campaign.save()
        self.appeal(self.stranger_org, "A2", decided=False)
        home = self.client_for(self.county).get(reverse("workbench:home"))
        self.assertEqual(home.status_code, 200)
        self.assertNotContains(home, "件申诉")
        self.assertContains(
            self.client_for(self.assessor_b).get(reverse("workbench:home")), "1 件申诉等待本单位答复"
        )


class PublishedRankingTestCase(PrivacyTestCase):
    def test_it_keeps_other_counties_lost_points_out_of_the_api_ranking(self):
        self.publish()
        for reader, own, other in ((self.county, PENGJIANG, JIANGHAI), (self.stranger, JIANGHAI, PENGJIANG)):
            for path in (f"results/{self.campaign.pk}/", f"results/{self.campaign.pk}/publication/"):
                body = self.api_json(reader, path)
                ranking = {r["code"]: r for r in body.get("ranking") or body["snapshot"]["ranking"]}
                self.assertEqual(set(ranking[other]), set(pub.PUBLIC_RANKING_FIELDS), path)
                self.assertNotIn("lost", ranking[other])
                self.assertIn("lost", ranking[own])
                self.assertEqual(ranking[other]["total"], "98.00" if other == PENGJIANG else "88.00")
        self.assertEqual(
            {
                r["code"]: r["lost"]
                for r in self.api_json(self.office, f"results/{self.campaign.pk}/")["ranking"]
            },
            {PENGJIANG: "5.00", JIANGHAI: "12.00"},
        )

    def test_it_gives_a_county_only_its_own_scores_appeals_and_lost_points_in_the_snapshot(self):
        self.publish()
        county = self.api_json(self.county, f"results/{self.campaign.pk}/publication/")["snapshot"]
        self.assertEqual((list(county["scores"]), list(county["section_totals"])), ([PENGJIANG], [PENGJIANG]))
        self.assertEqual((list(county["lost"]), county["appeals"]), ([PENGJIANG], []))
        stranger = self.api_json(self.stranger, f"results/{self.campaign.pk}/publication/")["snapshot"]
        self.assertEqual([a["target"] for a in stranger["appeals"]], [JIANGHAI])
        unit = self.api_json(self.assessor, f"results/{self.campaign.pk}/publication/")["snapshot"]
        self.assertEqual((unit["lost"], unit["appeals"], unit["scores"]), ({}, [], {}))
        self.assertTrue(all("lost" not in r for r in unit["ranking"]))

    def test_it_writes_other_counties_detail_out_of_the_ranking_workbook(self):
        self.publish()
        for reader, own_name, other_name in (
            (self.county, "蓬江区", "江海区"),
            (self.stranger, "江海区", "蓬江区"),
        ):
            wb = self.workbook(reader)
            ranking = {row[2]: row for row in list(wb["排名"].iter_rows(values_only=True))[1:]}
            self.assertEqual(set(ranking), {"蓬江区", "江海区"})  # the published ranking itself
            self.assertIsNone(ranking[other_name][8])  # 失分
            self.assertIsNotNone(ranking[own_name][8])
            for sheet in ("板块得分", "指标得分"):
                names = [row[0] for row in list(wb[sheet].iter_rows(values_only=True))[1:]]
                self.assertEqual(names, [own_name], sheet)
        unit = self.workbook(self.assessor)
        self.assertEqual(len(list(unit["指标得分"].iter_rows(values_only=True))), 1)  # headers only
        office = self.workbook(self.office)
        self.assertEqual(
            [row[0] for row in list(office["指标得分"].iter_rows(values_only=True))[1:]], ["蓬江区", "江海区"]
        )
        self.assertEqual([row[8] for row in list(office["排名"].iter_rows(values_only=True))[1:]], [5, 12])

    def test_it_shows_a_county_neither_the_lost_items_nor_the_整改_of_another(self):
        publication = self.publish()
        rectification_services.rectification_create(
            actor=self.stranger, publication=publication, target=self.stranger_org, indicator_code="A2"
        )
        page = self.client_for(self.county).get(reverse("assessments:publication", args=[self.campaign.pk]))
        self.assertNotContains(page, f'id="feedback-{JIANGHAI}"')
        self.assertContains(page, f'id="feedback-{PENGJIANG}"')
        ranking = self.client_for(self.county).get(reverse("assessments:results", args=[self.campaign.pk]))
        self.assertNotContains(ranking, "12.00")  # 江海区's lost points
        self.assertContains(ranking, "88.00")  # its published total
        # 整改 is a problem of the tracker now: 江海区 sees its own, 蓬江区 nothing of it
        self.assertNotContains(
            self.client_for(self.county).get(reverse("problems:list")), "A2 行政执法规范化"
        )
        self.assertContains(self.client_for(self.stranger).get(reverse("problems:list")), "A2 行政执法规范化")
        self.assertEqual(self.client_for(self.county).get("/api/v1/problems/").json()["count"], 0)
        api = self.api_json(self.county, "rectifications/")
        self.assertEqual(api["results"] if isinstance(api, dict) else api, [])
        self.assertEqual((Problem.objects.count(), Rectification.objects.count()), (1, 0))
