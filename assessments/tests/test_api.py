from __future__ import annotations

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Campaign, Framework, Score, SelfAssessment
from assessments.services import scores as score_services
from assessments.tests.fixtures import WorkflowTestCase, future_deadlines

API = "/api/v1/assessments"


class ApiTestCase(WorkflowTestCase):
    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def ids(self, response) -> set[int]:
        return {row["id"] for row in response.json()["results"]}


class FrameworkApiTestCase(ApiTestCase):
    def test_it_lists_frameworks_for_the_office_only(self):
        response = self.api(self.office).get(f"{API}/frameworks/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["results"][0]["indicator_count"], 4)
        for name in ("county", "stranger", "assessor", "sysadmin", "auditadmin", "expert"):
            client = self.api(getattr(self, name))
            self.assertEqual(client.get(f"{API}/frameworks/").status_code, 403, name)
            self.assertEqual(client.get(f"{API}/frameworks/{self.framework.pk}/").status_code, 404, name)
        self.assertEqual(APIClient().get(f"{API}/frameworks/").status_code, 401)

    def test_it_shows_the_tree_and_clones_and_locks(self):
        client = self.api(self.office)
        detail = client.get(f"{API}/frameworks/{self.framework.pk}/").json()
        self.assertEqual([s["code"] for s in detail["sections"]], ["A", "B"])
        clone = client.post(f"{API}/frameworks/{self.framework.pk}/clone/", {"year": 2024}, format="json")
        self.assertEqual(clone.status_code, 201)
        self.assertEqual(clone.json()["status"], "draft")
        locked = client.post(f"{API}/frameworks/{clone.json()['id']}/lock/")
        self.assertEqual(locked.json()["status"], "locked")
        again = client.post(f"{API}/frameworks/{clone.json()['id']}/lock/")
        self.assertEqual(again.status_code, 400)
        self.assertIn("已锁定", str(again.json()["error"]))

    def test_it_refuses_to_lock_when_points_do_not_add_up(self):
        client = self.api(self.office)
        created = client.post(
            f"{API}/frameworks/", {"year": 2025, "name": "空办法", "total_score": "100"}, format="json"
        )
        self.assertEqual(created.status_code, 201)
        response = client.post(f"{API}/frameworks/{created.json()['id']}/lock/")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "invalid")
        self.assertEqual(Framework.objects.get(pk=created.json()["id"]).status, "draft")


class CampaignApiTestCase(ApiTestCase):
    def test_it_refuses_a_past_deadline_and_creates_nothing(self):
        deadlines = {p: d.isoformat() for p, (_, d) in future_deadlines().items()}
        deadlines["scoring"] = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        before = Campaign.objects.count()
        response = self.api(self.office).post(
            f"{API}/campaigns/",
            {
                "year": 2024,
                "name": "x",
                "framework": self.framework.pk,
                "targets": ["440703"],
                "deadlines": deadlines,
            },
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("「考评评分」截止日期", str(response.json()["error"]["fields"]))
        self.assertEqual(Campaign.objects.count(), before)

    def test_it_lists_only_own_campaigns_and_lets_only_the_office_advance(self):
        self.assertEqual(self.ids(self.api(self.county).get(f"{API}/campaigns/")), {self.campaign.pk})
        for name in ("sysadmin", "expert", "auditadmin"):
            self.assertEqual(self.ids(self.api(getattr(self, name)).get(f"{API}/campaigns/")), set())
        self.assertEqual(
            self.api(self.county).post(f"{API}/campaigns/{self.campaign.pk}/advance/").status_code, 403
        )
        response = self.api(self.office).post(
            f"{API}/campaigns/{self.campaign.pk}/advance/", {}, format="json"
        )
        self.assertEqual(response.json()["phase"], "self_assess")
        response = self.api(self.office).get(f"{API}/campaigns/{self.campaign.pk}/missing/")
        self.assertIn("蓬江区：4 项自评未提交。", response.json()["missing"])


class SelfAssessmentApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        self.advance_to("self_assess")
        self.sa = SelfAssessment.objects.get(
            campaign=self.campaign, target=self.county_org, indicator__code="A1"
        )

    def test_it_shows_a_county_only_its_own(self):
        own = self.ids(self.api(self.county).get(f"{API}/self-assessments/?campaign={self.campaign.pk}"))
        self.assertEqual(len(own), 4)
        self.assertIn(self.sa.pk, own)
        self.assertNotIn(self.sa.pk, self.ids(self.api(self.stranger).get(f"{API}/self-assessments/")))
        self.assertEqual(
            self.api(self.stranger).get(f"{API}/self-assessments/{self.sa.pk}/").status_code, 404
        )
        self.assertEqual(self.ids(self.api(self.assessor).get(f"{API}/self-assessments/")), set())  # drafts

    def test_it_saves_and_submits_through_the_api(self):
        client = self.api(self.county)
        response = client.patch(
            f"{API}/self-assessments/{self.sa.pk}/", {"self_score": "50", "narrative": "x"}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("自评分须在 0 至 40 分之间", str(response.json()))
        response = client.patch(
            f"{API}/self-assessments/{self.sa.pk}/", {"self_score": "39", "narrative": "说明"}, format="json"
        )
        self.assertEqual(response.json()["self_score"], "39.00")
        self.assertEqual(
            client.post(f"{API}/self-assessments/{self.sa.pk}/submit/").json()["status"], "submitted"
        )
        self.assertEqual(
            self.api(self.stranger)
            .patch(f"{API}/self-assessments/{self.sa.pk}/", {"narrative": "x"}, format="json")
            .status_code,
            404,
        )
        response = self.api(self.office).post(
            f"{API}/self-assessments/{self.sa.pk}/return/", {"reason": "补充"}, format="json"
        )
        self.assertEqual(response.json()["status"], "returned")


class ScoreApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        self.advance_to("scoring")
        self.score = Score.objects.get(campaign=self.campaign, target=self.county_org, indicator__code="A1")
        self.rule = self.score.indicator.rules.get(code="A1-1")

    def body(self, **extra) -> dict:
        return {"version": 0, "items": [{"rule": self.rule.pk, "count": 1, "reason": "一件未审查"}], **extra}

    def test_it_shows_an_assessor_only_its_indicators_and_counties_nothing_unpublished(self):
        mine = self.api(self.assessor_b).get(f"{API}/scores/?campaign={self.campaign.pk}").json()["results"]
        self.assertEqual({row["indicator_code"] for row in mine}, {"A2"})
        self.assertEqual(self.api(self.assessor_b).get(f"{API}/scores/{self.score.pk}/").status_code, 404)
        self.assertEqual(self.ids(self.api(self.county).get(f"{API}/scores/")), set())
        self.assertEqual(self.api(self.county).get(f"{API}/scores/{self.score.pk}/").status_code, 404)
        self.assertEqual(len(self.ids(self.api(self.office).get(f"{API}/scores/"))), 8)
        self.advance_to("feedback")
        own = self.api(self.county).get(f"{API}/scores/").json()["results"]
        self.assertEqual({row["target_code"] for row in own}, {"440703"})
        self.assertEqual(self.api(self.stranger).get(f"{API}/scores/{self.score.pk}/").status_code, 404)

    def test_it_scores_and_detects_a_stale_version_with_409(self):
        client = self.api(self.assessor)
        response = client.patch(f"{API}/scores/{self.score.pk}/", self.body(), format="json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual((response.json()["score"], response.json()["version"]), ("38.00", 1))
        stale = self.api(self.clerk2).patch(f"{API}/scores/{self.score.pk}/", self.body(), format="json")
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(stale.json()["error"]["code"], "conflict")
        self.assertIn("您的修改没有保存", stale.json()["error"]["message"])
        self.assertEqual(Score.objects.get(pk=self.score.pk).entered_by, self.assessor)

    def test_it_refuses_a_score_above_the_points(self):
        response = self.api(self.assessor).patch(
            f"{API}/scores/{self.score.pk}/", {"version": 0, "score": "45"}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("得分须在 0 至 40 分之间", str(response.json()["error"]["fields"]))
        self.assertIsNone(Score.objects.get(pk=self.score.pk).score)

    def test_it_enforces_the_two_person_rule(self):
        score_services.score_save(actor=self.assessor, score=self.score, expected_version=0, submit=True)
        response = self.api(self.assessor).post(
            f"{API}/scores/{self.score.pk}/approve/", {"version": 1}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertIn("承担经办职责，不能审核评分", response.json()["error"]["message"])
        response = self.api(self.reviewer).post(
            f"{API}/scores/{self.score.pk}/approve/", {"version": 1}, format="json"
        )
        self.assertEqual(response.json()["status"], "approved")

    def test_it_denies_writes_to_everyone_but_the_responsible_unit(self):
        for name, status in (
            ("office", 403),
            ("county", 404),
            ("stranger", 404),
            ("assessor_b", 404),
            ("expert", 404),
        ):
            response = self.api(getattr(self, name)).patch(
                f"{API}/scores/{self.score.pk}/", self.body(), format="json"
            )
            self.assertEqual(response.status_code, status, name)
        self.assertIsNone(Score.objects.get(pk=self.score.pk).score)


class ApiSchemaTestCase(ApiTestCase):
    def test_it_documents_the_resources(self):
        response = self.api(self.office).get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        for path in ("/api/v1/assessments/frameworks/", "/api/v1/assessments/scores/{id}/approve/"):
            self.assertIn(path, text)
