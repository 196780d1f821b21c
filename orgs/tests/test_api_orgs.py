from rest_framework.test import APIClient

from accounts.services import token_rotate
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from orgs.models import Org

ALL = {"440700", "440703", "440703001", "440704", "440700-YFZSB", "440700-SFJ", "440700-GAJ", "440700-ZJK"}


class OrgApiTestCase(BaseTestCase):
    def api(self, user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    def codes(self, response):
        return {row["code"] for row in response.json()["results"]}

    def test_it_lists_the_orgs_in_each_personas_data_scope(self):
        expected = {
            "office": ALL,
            "sysadmin": ALL,
            "county": {"440703", "440703001"},
            "stranger": {"440704"},
            "assessor": {"440700-SFJ"},
            "assessor_b": {"440700-GAJ"},
            "expert": {"440700-ZJK"},
        }
        for name, user in self.personas.items():
            with self.subTest(persona=name):
                response = self.api(user).get("/api/v1/orgs/")
                if name in ("secadmin", "auditadmin"):
                    self.assertEqual(response.status_code, 403)
                    self.assertEqual(response.json()["error"]["code"], "permission_denied")
                else:
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(self.codes(response), expected[name])

    def test_it_answers_401_with_the_structured_error_without_credentials(self):
        response = self.api().get("/api/v1/orgs/")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["error"]["code"], "not_authenticated")
        self.assertIn("未登录", response.json()["error"]["message"])
        response = APIClient().get("/api/v1/orgs/", HTTP_AUTHORIZATION="Token not-a-real-token")
        self.assertEqual(response.status_code, 401)

    def test_it_accepts_a_token(self):
        key = token_rotate(actor=self.county)[1]
        response = APIClient().get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.codes(response), {"440703", "440703001"})

    def test_it_hides_an_org_outside_the_scope_with_404(self):
        self.assertEqual(self.api(self.county).get(f"/api/v1/orgs/{self.stranger_org.pk}/").status_code, 404)
        response = self.api(self.county).get(f"/api/v1/orgs/{self.town_org.pk}/")
        self.assertEqual(response.json()["parent_code"], "440703")

    def test_it_filters_by_text_and_type(self):
        response = self.api(self.office).get("/api/v1/orgs/", {"q": "公安"})
        self.assertEqual(self.codes(response), {"440700-GAJ"})
        response = self.api(self.office).get("/api/v1/orgs/", {"type": "county"})
        self.assertEqual(self.codes(response), {"440703", "440704"})

    def test_it_lets_only_the_sysadmin_create_an_org_and_audits_it(self):
        payload = {
            "code": "440705",
            "name": "新会区",
            "type": "county",
            "parent": self.city.pk,
            "is_target": True,
        }
        for user in (self.office, self.county, self.secadmin):
            with self.subTest(user=user.username):
                self.assertEqual(
                    self.api(user).post("/api/v1/orgs/", payload, format="json").status_code, 403
                )
        response = self.api(self.sysadmin).post("/api/v1/orgs/", payload, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual((response.json()["parent_code"], response.json()["depth"]), ("440700", 1))
        org = Org.objects.get(code="440705")
        entry = AuditEntry.objects.get(action="orgs.org.created", target_id=str(org.pk))
        self.assertEqual(entry.actor_id, self.sysadmin.pk)

    def test_it_answers_malformed_payloads_with_400_and_the_fields(self):
        api = self.api(self.sysadmin)
        response = api.post("/api/v1/orgs/", {"code": "a b", "name": "", "type": "planet"}, format="json")
        self.assertEqual(response.status_code, 400)
        error = response.json()["error"]
        self.assertEqual(error["code"], "invalid")
        self.assertEqual(set(error["fields"]), {"code", "name", "type"})
        self.assertIn("机构代码只能包含", error["fields"]["code"][0])
        response = api.post("/api/v1/orgs/", "{not json", content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "parse_error")
        response = api.post("/api/v1/orgs/", [1, 2], format="json")
        self.assertEqual(response.status_code, 400)
        response = api.post(
            "/api/v1/orgs/", {"code": "440703", "name": "重复", "type": "county"}, format="json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("已存在", response.json()["error"]["fields"]["code"][0])

    def test_it_lets_the_sysadmin_edit_and_forbids_others(self):
        url = f"/api/v1/orgs/{self.county_org.pk}/"
        self.assertEqual(self.api(self.county).patch(url, {"name": "x"}, format="json").status_code, 403)
        self.assertEqual(self.api(self.stranger).patch(url, {"name": "x"}, format="json").status_code, 404)
        response = self.api(self.sysadmin).patch(url, {"short_name": "蓬江"}, format="json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["short_name"], "蓬江")
        self.assertTrue(
            AuditEntry.objects.filter(action="orgs.org.updated", target_id=str(self.county_org.pk)).exists()
        )
        response = self.api(self.sysadmin).patch(url, {"parent": self.town_org.pk}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("parent", response.json()["error"]["fields"])

    def test_it_does_not_delete_orgs(self):
        response = self.api(self.sysadmin).delete(f"/api/v1/orgs/{self.town_org.pk}/")
        self.assertEqual(response.status_code, 405)
        self.assertTrue(Org.objects.filter(pk=self.town_org.pk).exists())

    def test_it_lists_with_constant_queries(self):
        api = self.api(self.office)
        api.get("/api/v1/orgs/")
        with self.assertNumQueries(3):
            api.get("/api/v1/orgs/")
        for i in range(20):
            Org.objects.create(
                code=f"T{i}", name=f"单位{i}", type="department", parent=self.city, path=f"/440700/T{i}/"
            )
        with self.assertNumQueries(3):
            response = api.get("/api/v1/orgs/")
        self.assertEqual(response.json()["count"], 28)
