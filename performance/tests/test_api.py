from __future__ import annotations

import json
from decimal import Decimal

from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import token_rotate
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from performance.models import BudgetProject
from performance.tests.fixtures import make_project
from performance.tests.test_engine_inputs import seed_json


class PerformanceApiTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.sfj)

    def api(self, user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    def project_url(self, *suffix):
        base = reverse("performance-project-detail", args=[self.project.pk])
        return base + "".join(f"{s}/" for s in suffix)


class ProjectApiTestCase(PerformanceApiTestCase):
    def test_it_lists_projects_within_the_users_scope(self):
        make_project(self.gaj, name="公安项目")
        office = self.api(self.office).get(reverse("performance-project-list")).json()
        self.assertEqual(office["count"], 2)
        own = self.api(self.assessor).get(reverse("performance-project-list")).json()
        self.assertEqual([p["name"] for p in own["results"]], ["全面依法治市"])
        for user in (self.stranger, self.expert, self.auditadmin):
            self.assertEqual(self.api(user).get(reverse("performance-project-list")).json()["count"], 0)

    def test_it_needs_authentication(self):
        response = self.api().get(reverse("performance-project-list"))
        self.assertEqual(response.status_code, 401)
        self.assertIn("error", response.json())

    def test_it_accepts_a_token(self):
        key = token_rotate(actor=self.assessor)[1]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(client.get(self.project_url()).status_code, 200)

    def test_it_returns_the_project_with_its_indicators(self):
        data = self.api(self.assessor).get(self.project_url()).json()
        self.assertEqual(data["budget_executed"], "349845.00")
        self.assertEqual(len(data["indicators"]), 5)
        self.assertEqual(data["indicators"][0]["target_op"], ">=")

    def test_it_is_not_found_for_others(self):
        for name in ("stranger", "assessor_b", "county", "sysadmin", "auditadmin", "expert"):
            response = self.api(getattr(self, name)).get(self.project_url())
            self.assertEqual(response.status_code, 404, name)
            self.assertEqual(response.json()["error"]["code"], "not_found")

    def test_it_scores_a_project_like_the_cli(self):
        data = self.api(self.office).get(self.project_url("score")).json()
        self.assertEqual(
            (data["execution_rate"], data["execution_score"], data["max_total"], data["declared_total"]),
            (50.12, 5.01, 95.01, 97),
        )
        self.assertIn("TOTAL_ABOVE_MAX", [f["code"] for f in data["findings"]])
        self.assertIn("财预〔2020〕10号", data["rule_set_source"])
        self.assertEqual(self.api(self.stranger).get(self.project_url("score")).status_code, 404)

    def test_it_creates_a_project_for_an_allowed_org(self):
        payload = {"org": self.sfj.code, "year": 2024, "name": "普法宣传", "budget_adjusted": "100000"}
        response = self.api(self.assessor).post(reverse("performance-project-list"), payload, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["org_code"], self.sfj.code)
        other = self.api(self.assessor).post(
            reverse("performance-project-list"), {**payload, "org": self.gaj.code}, format="json"
        )
        self.assertEqual(other.status_code, 403)
        self.assertEqual(
            self.api(self.sysadmin)
            .post(reverse("performance-project-list"), payload, format="json")
            .status_code,
            403,
        )

    def test_it_refuses_bad_figures_with_fields(self):
        response = self.api(self.assessor).patch(self.project_url(), {"budget_executed": "-1"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("budget_executed", response.json()["error"]["fields"])
        response = self.api(self.assessor).patch(
            self.project_url(), {"budget_executed": "很多"}, format="json"
        )
        self.assertEqual(response.status_code, 400)

    def test_it_updates_with_a_version_and_refuses_a_stale_one(self):
        client = self.api(self.assessor)
        response = client.patch(
            self.project_url(),
            {"version": self.project.version, "execution_reason": "采购延期"},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        stale = client.patch(
            self.project_url(), {"version": self.project.version, "declared_total": "90"}, format="json"
        )
        self.assertEqual(stale.status_code, 409)
        self.project.refresh_from_db()
        self.assertEqual(
            (self.project.execution_reason, self.project.declared_total), ("采购延期", Decimal(97))
        )
        self.assertIn("performance.project.updated", AuditEntry.objects.values_list("action", flat=True))

    def test_it_submits_and_only_the_office_reopens(self):
        client = self.api(self.assessor)
        self.assertEqual(client.post(self.project_url("submit")).json()["status"], "submitted")
        self.assertEqual(
            client.patch(self.project_url(), {"declared_total": "90"}, format="json").status_code, 403
        )
        self.assertEqual(client.post(self.project_url("reopen")).status_code, 403)
        self.assertEqual(self.api(self.office).post(self.project_url("reopen")).json()["status"], "draft")

    def test_it_lets_only_the_office_delete_a_draft(self):
        self.assertEqual(self.api(self.assessor).delete(self.project_url()).status_code, 403)
        self.assertEqual(self.api(self.office).delete(self.project_url()).status_code, 204)
        self.assertFalse(BudgetProject.objects.filter(pk=self.project.pk).exists())


class IndicatorApiTestCase(PerformanceApiTestCase):
    def test_it_creates_updates_and_deletes_an_indicator(self):
        client = self.api(self.assessor)
        created = client.post(
            reverse("performance-indicator-list"),
            {
                "project": self.project.pk,
                "level1": "满意度指标",
                "level2": "服务对象满意度指标",
                "name": "群众满意度",
                "target_text": "≥９０％",
                "actual": "92%",
                "weight": "10",
                "declared_score": "10",
            },
            format="json",
        )
        self.assertEqual(created.status_code, 201, created.content)
        body = created.json()
        self.assertEqual(
            (body["target_op"], body["target_value"], body["target_unit"]), (">=", "90.0000", "%")
        )
        url = reverse("performance-indicator-detail", args=[body["id"]])
        updated = client.patch(
            url,
            {"version": body["version"], "actual": "85%", "deviation_reason": "调查样本少"},
            format="json",
        )
        self.assertEqual(updated.json()["actual"], "85%")
        stale = client.patch(url, {"version": body["version"], "actual": "80%"}, format="json")
        self.assertEqual(stale.status_code, 409, stale.content.decode())
        score = client.get(self.project_url("score")).json()
        row = next(i for i in score["indicators"] if i["name"] == "群众满意度")
        self.assertEqual(row["score"], 9.44)
        self.assertEqual(client.delete(url).status_code, 204)

    def test_it_refuses_an_unknown_live_metric_and_a_bad_weight(self):
        client = self.api(self.assessor)
        ind = self.project.indicators.first()
        url = reverse("performance-indicator-detail", args=[ind.pk])
        self.assertEqual(client.patch(url, {"live_metric": "nope"}, format="json").status_code, 400)
        self.assertEqual(client.patch(url, {"weight": "二十"}, format="json").status_code, 400)
        self.assertEqual(client.patch(url, {"weight": "120"}, format="json").status_code, 400)

    def test_it_shows_the_live_value(self):
        ind = self.project.indicators.first()
        self.api(self.assessor).patch(
            reverse("performance-indicator-detail", args=[ind.pk]),
            {"live_metric": "accounts.expert_accounts"},
            format="json",
        )
        data = self.api(self.assessor).get(reverse("performance-indicator-detail", args=[ind.pk])).json()
        self.assertEqual(data["live_value"], "1人")

    def test_it_is_not_found_for_others(self):
        ind = self.project.indicators.first()
        url = reverse("performance-indicator-detail", args=[ind.pk])
        for name in ("stranger", "assessor_b", "secadmin"):
            client = self.api(getattr(self, name))
            self.assertEqual(client.get(url).status_code, 404, name)
            self.assertEqual(client.patch(url, {"actual": "1人"}, format="json").status_code, 404, name)
        created = self.api(self.stranger).post(
            reverse("performance-indicator-list"), {"project": self.project.pk, "name": "x"}, format="json"
        )
        self.assertEqual(created.status_code, 404)


class ScoreFormApiTestCase(PerformanceApiTestCase):
    def test_it_scores_the_json_form_without_storing(self):
        before = BudgetProject.objects.count()
        response = self.api(self.assessor).post(reverse("performance-score-form"), seed_json(), format="json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["max_total"], 95.01)
        self.assertEqual(BudgetProject.objects.count(), before)

    def test_it_reports_bad_input_with_fields(self):
        payload = seed_json()
        payload["budget"].pop("executed")
        response = self.api(self.assessor).post(reverse("performance-score-form"), payload, format="json")
        self.assertEqual(response.status_code, 400)
        error = response.json()["error"]
        self.assertIn("budget.executed", error["fields"])
        self.assertIn("全年执行数未填写", error["message"])

    def test_it_refuses_the_admins_and_unknown_rules(self):
        self.assertEqual(
            self.api(self.auditadmin)
            .post(reverse("performance-score-form"), seed_json(), format="json")
            .status_code,
            403,
        )
        response = self.api(self.office).post(
            reverse("performance-score-form") + "?rules=nope", seed_json(), format="json"
        )
        self.assertEqual(response.status_code, 400)

    def test_it_lists_the_live_metrics(self):
        data = self.api(self.office).get(reverse("performance-metrics")).json()
        self.assertIn("accounts.expert_accounts", [m["key"] for m in data["results"]])
        self.assertEqual(self.api(self.auditadmin).get(reverse("performance-metrics")).status_code, 403)

    def test_it_appears_in_the_openapi_schema(self):
        schema = self.api(self.office).get("/api/v1/openapi.json")
        self.assertEqual(schema.status_code, 200)
        paths = json.loads(schema.content)["paths"]
        self.assertIn("/api/v1/performance/projects/{id}/score/", paths)
