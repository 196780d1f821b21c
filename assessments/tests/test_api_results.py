"""API of results, what-if, publication, appeals and 整改: same permissions as the pages."""

from __future__ import annotations

from decimal import Decimal as D

from assessments.models import Appeal, Indicator, Phase, Publication, Rectification, Score
from assessments.services import appeals
from assessments.services import publication as publication_services
from assessments.tests.fixtures import ResultsTestCase

API = "/api/v1/assessments"


class ResultsApiTestCase(ResultsTestCase):
    def api(self, user, method, path, data=None):
        client = self.client_for(user)
        return getattr(client, method)(f"{API}/{path}", data, content_type="application/json")

    def test_it_gives_the_office_the_live_ranking_and_others_a_refusal(self):
        response = self.api(self.office, "get", f"results/{self.campaign.pk}/")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertFalse(body["published"])
        self.assertEqual(
            [(r["code"], r["total"], r["grade"]) for r in body["ranking"]],
            [("440703", "98.00", "优秀"), ("440704", "88.00", "良好")],
        )
        for user in (self.county, self.assessor):
            refused = self.api(user, "get", f"results/{self.campaign.pk}/")
            self.assertEqual(refused.status_code, 403)
            self.assertEqual(refused.json()["error"]["message"], "考评结果尚未公布。")
        self.assertEqual(self.api(self.expert, "get", f"results/{self.campaign.pk}/").status_code, 404)
        self.assertEqual(self.api(self.expert, "get", "results/").status_code, 403)

    def test_it_lists_the_campaigns_of_the_user(self):
        body = self.api(self.county, "get", "results/").json()
        self.assertEqual([(c["campaign"], c["published"]) for c in body], [(self.campaign.pk, False)])

    def test_it_computes_a_what_if_without_saving(self):
        response = self.api(
            self.office,
            "post",
            f"results/{self.campaign.pk}/what-if/",
            {"thresholds": {"优秀": "99"}, "excellent_quota": 0},
        )
        rows = {r["code"]: r for r in response.json()["rows"]}
        self.assertEqual((rows["440703"]["was_grade"], rows["440703"]["grade"]), ("优秀", "良好"))
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.grade_rules["thresholds"]["优秀"], 90)
        bad = self.api(self.office, "post", f"results/{self.campaign.pk}/what-if/", {"social_weight": "1.5"})
        self.assertEqual(bad.status_code, 400)
        self.assertIn("social_weight", bad.json()["error"]["fields"])
        self.assertEqual(
            self.api(self.county, "post", f"results/{self.campaign.pk}/what-if/", {}).status_code, 403
        )

    def test_it_publishes_for_the_office_only_and_shows_the_snapshot(self):
        self.assertEqual(
            self.api(self.county, "post", f"results/{self.campaign.pk}/publish/").status_code, 403
        )
        response = self.api(self.office, "post", f"results/{self.campaign.pk}/publish/")
        self.assertEqual(response.status_code, 201)
        sha = response.json()["sha256"]
        again = self.api(self.office, "post", f"results/{self.campaign.pk}/publish/")
        self.assertEqual(again.status_code, 400)
        self.assertIn("已公布", str(again.json()["error"]["fields"]))
        county = self.api(self.county, "get", f"results/{self.campaign.pk}/publication/").json()
        self.assertEqual((county["sha256"], county["verified"], county["complete"]), (sha, True, False))
        self.assertEqual(list(county["snapshot"]["lost"]), ["440703"])  # never another county's lost points
        self.assertEqual(self.api(self.assessor, "get", f"results/{self.campaign.pk}/").json()["sha256"], sha)

    def test_it_refuses_to_publish_with_open_appeals(self):
        Appeal.objects.create(
            campaign=self.campaign,
            target=self.county_org,
            score=self.score_of(self.county_org, "A1"),
            reason="x",
        )
        response = self.api(self.office, "post", f"results/{self.campaign.pk}/publish/")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Publication.objects.exists())


class AppealsApiTestCase(ResultsTestCase):
    def setUp(self):
        self.campaign.phase = Phase.APPEAL
        self.campaign.save()
        self.score = self.score_of(self.county_org, "A1")

    def api(self, user, method, path, data=None):
        return getattr(self.client_for(user), method)(f"{API}/{path}", data, content_type="application/json")

    def test_it_runs_create_answer_decide(self):
        created = self.api(self.county, "post", "appeals/", {"score": self.score.pk, "reason": "请复核"})
        self.assertEqual(created.status_code, 201)
        pk = created.json()["id"]
        self.assertEqual(
            self.api(self.assessor_b, "post", f"appeals/{pk}/answer/", {"answer": "x"}).status_code, 404
        )
        answered = self.api(self.assessor, "post", f"appeals/{pk}/answer/", {"answer": "同意复核"})
        self.assertEqual(answered.json()["status"], "answered")
        self.assertEqual(
            self.api(self.county, "post", f"appeals/{pk}/decide/", {"decision": "upheld"}).status_code, 403
        )
        too_high = self.api(
            self.office,
            "post",
            f"appeals/{pk}/decide/",
            {"decision": "changed", "decided_score": "41", "note": "改分"},
        )
        self.assertEqual(too_high.status_code, 400)
        self.assertIn("decided_score", too_high.json()["error"]["fields"])
        self.assertEqual(Score.objects.get(pk=self.score.pk).score, D("38.00"))
        decided = self.api(
            self.office,
            "post",
            f"appeals/{pk}/decide/",
            {"decision": "changed", "decided_score": "40", "note": "采纳"},
        )
        self.assertEqual((decided.json()["status"], decided.json()["decided_score"]), ("decided", "40.00"))
        self.assertEqual(Score.objects.get(pk=self.score.pk).score, D("40.00"))

    def test_it_keeps_appeals_to_their_parties(self):
        appeals.appeal_create(actor=self.county, score=self.score, reason="一")
        appeals.appeal_create(actor=self.stranger, score=self.score_of(self.stranger_org, "A2"), reason="二")
        county = [a["target"] for a in self.api(self.county, "get", "appeals/").json()["results"]]
        self.assertEqual(county, ["440703"])
        gaj = [a["indicator"] for a in self.api(self.assessor_b, "get", "appeals/").json()["results"]]
        self.assertEqual(gaj, ["A2"])
        self.assertEqual(len(self.api(self.office, "get", "appeals/").json()["results"]), 2)
        self.assertEqual(self.api(self.expert, "get", "appeals/").status_code, 403)
        other = Appeal.objects.get(target=self.stranger_org).pk
        self.assertEqual(self.api(self.county, "get", f"appeals/{other}/").status_code, 404)

    def test_it_lists_appeals_in_a_constant_number_of_queries(self):
        appeals.appeal_create(actor=self.county, score=self.score, reason="一")
        client = self.client_for(self.office)
        client.get(f"{API}/appeals/")
        with self.assertNumQueries(5):
            client.get(f"{API}/appeals/")
        appeals.appeal_create(actor=self.county, score=self.score_of(self.county_org, "B1"), reason="二")
        with self.assertNumQueries(5):
            client.get(f"{API}/appeals/")

    def test_it_refuses_an_appeal_on_another_countys_score(self):
        response = self.api(self.stranger, "post", "appeals/", {"score": self.score.pk, "reason": "x"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Appeal.objects.exists())


class RectificationApiTestCase(ResultsTestCase):
    def test_it_sends_a_lost_point_to_the_problem_tracker_for_the_target(self):
        publication_services.campaign_publish(actor=self.office, campaign=self.campaign)
        client = self.client_for(self.county)
        created = client.post(
            f"{API}/rectifications/",
            {"campaign": self.campaign.pk, "target": "440703", "indicator": "A1"},
            content_type="application/json",
        )
        self.assertEqual(created.status_code, 201)
        problem = created.json()  # the problem of the tracker the lost point became
        self.assertEqual((problem["source"], problem["source_ref"]["points_lost"]), ("assessment", "2.00"))
        self.assertEqual(client.get(f"/api/v1/problems/{problem['id']}/").status_code, 200)
        other = self.client_for(self.stranger).post(
            f"{API}/rectifications/",
            {"campaign": self.campaign.pk, "target": "440703", "indicator": "A1"},
            content_type="application/json",
        )
        self.assertEqual(other.status_code, 404)
        self.assertEqual(self.client_for(self.stranger).get(f"{API}/rectifications/").json()["results"], [])
        self.assertEqual(self.client_for(self.assessor).get(f"{API}/rectifications/").status_code, 403)
        # a former 整改清单 item (kept read-only) is not marked done any more: 410, and 404 to another county
        former = Rectification.objects.create(
            publication=Publication.objects.get(campaign=self.campaign),
            target=self.county_org,
            indicator=Indicator.objects.get(section__framework=self.campaign.framework, code="A1"),
            points_lost=D("2"),
            created_by=self.office,
        )
        done = client.post(f"{API}/rectifications/{former.pk}/done/")
        self.assertEqual((done.status_code, done.json()["error"]["code"]), (410, "superseded"))
        self.assertEqual(
            self.client_for(self.stranger).post(f"{API}/rectifications/{former.pk}/done/").status_code, 404
        )
        former.refresh_from_db()
        self.assertEqual(former.status, "open")
