"""/api/v1/accountability/…: scope per persona, structured errors, nothing changed on refusal."""

from __future__ import annotations

from rest_framework.test import APIClient

from accountability import services
from accountability.models import AccountabilityAction, Rating, ShufaReport
from accountability.tests.helpers import YEAR, AccountabilityTestCase

BASE = "/api/v1/accountability"


class AccountabilityApiTestCase(AccountabilityTestCase):
    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_it_lets_a_leader_write_and_submit_through_the_api(self):
        client = self.api(self.leader)
        created = client.post(
            f"{BASE}/reports/", {"round": self.shufa_round.pk, "body": "履职情况"}, format="json"
        )
        self.assertEqual(created.status_code, 201, created.content)
        pk = created.json()["id"]
        submitted = client.post(f"{BASE}/reports/{pk}/submit/")
        self.assertEqual(submitted.json()["state"], "submitted")
        again = client.post(f"{BASE}/reports/{pk}/submit/")
        self.assertEqual(again.status_code, 400)
        self.assertEqual(
            again.json()["error"]["fields"]["non_field_errors"], ["当前状态为“已提交”，不能提交。"]
        )

    def test_it_refuses_a_report_from_a_unit_account(self):
        response = self.api(self.county).post(
            f"{BASE}/reports/", {"round": self.shufa_round.pk, "body": "代写"}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["error"]["message"], "只有领导干部本人可以填写述法报告。")
        self.assertFalse(ShufaReport.objects.exists())

    def test_it_scopes_the_report_list_per_persona(self):
        mine = self.submitted_report()
        other = self.submitted_report(leader=self.leader_b)
        ids = lambda user: {r["id"] for r in self.api(user).get(f"{BASE}/reports/").json()["results"]}  # noqa: E731
        self.assertEqual(ids(self.leader), {mine.pk})
        self.assertEqual(ids(self.leader_b), {other.pk})
        self.assertEqual(ids(self.county), {mine.pk})
        self.assertEqual(ids(self.stranger), {other.pk})
        self.assertEqual(ids(self.assessor), {mine.pk, other.pk})  # a reviewer of the round
        self.assertEqual(ids(self.office), {mine.pk, other.pk})
        self.assertEqual(ids(self.assessor_b), set())
        self.assertEqual(self.api(self.leader_b).get(f"{BASE}/reports/{mine.pk}/").status_code, 404)

    def test_it_refuses_a_rating_out_of_range_with_a_field_error(self):
        report = self.submitted_report()
        response = self.api(self.assessor).post(
            f"{BASE}/reports/{report.pk}/rate/", {"grade": "满意", "score": 101}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["fields"]["score"], ["评分须为 0 到 100 之间的整数。"])
        self.assertFalse(Rating.objects.exists())
        ok = self.api(self.assessor).post(
            f"{BASE}/reports/{report.pk}/rate/", {"grade": "基本满意", "score": 78}, format="json"
        )
        self.assertEqual(ok.json()["score"], 78)

    def test_it_hides_the_reviewers_ratings_from_reviewers_and_shows_the_leader_its_summary(self):
        report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=report, grade="满意", score=90)
        self.assertIsNone(self.api(self.expert).get(f"{BASE}/reports/{report.pk}/").json()["rating"])
        self.assertEqual(
            self.api(self.leader).get(f"{BASE}/reports/{report.pk}/").json()["rating"]["mean"], "90.00"
        )

    def test_it_lets_the_office_propose_and_decide_actions(self):
        report = self.submitted_report()
        services.rating_save(actor=self.assessor, report=report, grade="不满意", score=30)
        office = self.api(self.office)
        created = office.post(f"{BASE}/actions/", {"year": YEAR}, format="json").json()
        self.assertEqual([a["kind_label"] for a in created], ["约谈", "通报批评"])
        pk = created[0]["id"]
        refused = office.post(
            f"{BASE}/actions/{pk}/decide/", {"decision": "confirm", "reason": ""}, format="json"
        )
        self.assertEqual(refused.status_code, 400)
        self.assertIn("reason", refused.json()["error"]["fields"])
        self.assertEqual(AccountabilityAction.objects.get(pk=pk).state, "proposed")
        done = office.post(
            f"{BASE}/actions/{pk}/decide/", {"decision": "confirm", "reason": "约谈"}, format="json"
        )
        self.assertEqual(done.json()["state"], "confirmed")
        for user in (self.leader, self.county):
            with self.subTest(user=user.username):
                self.assertEqual(self.api(user).get(f"{BASE}/actions/").status_code, 404)
                response = self.api(user).post(
                    f"{BASE}/actions/{pk}/follow-up/", {"note": "越权", "done": True}, format="json"
                )
                self.assertEqual(response.status_code, 404)

    def test_it_serves_dossiers_only_to_those_who_may_see_them(self):
        self.submitted_report()
        url = f"{BASE}/dossiers/leaders/{self.leader.pk}/{YEAR}/"
        self.assertEqual(self.api(self.leader).get(url).json()["reports"][0]["state"], "submitted")
        self.assertEqual(self.api(self.leader_b).get(url).status_code, 404)
        self.assertEqual(self.api(self.stranger).get(url).status_code, 404)
        org_url = f"{BASE}/dossiers/orgs/{self.county_org.pk}/{YEAR}/"
        self.assertEqual(self.api(self.county).get(org_url).status_code, 200)
        self.assertEqual(self.api(self.stranger).get(org_url).status_code, 404)
        self.assertEqual(self.api(self.leader).get(org_url).status_code, 404)
