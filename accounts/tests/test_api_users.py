from rest_framework.test import APIClient

from accounts import tokens
from accounts.models import ApiToken, User
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase


class UserApiTestCase(BaseTestCase):
    def api(self, user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    def test_it_lists_users_by_the_same_rules_as_the_ui(self):
        everyone = set(User.objects.values_list("username", flat=True))
        for name, user in self.personas.items():
            with self.subTest(persona=name):
                response = self.api(user).get("/api/v1/users/", {"limit": 100})
                self.assertEqual(response.status_code, 200)
                usernames = {row["username"] for row in response.json()["results"]}
                self.assertEqual(usernames, everyone if name in ("sysadmin", "secadmin", "office") else set())

    def test_it_never_returns_a_password_or_secret(self):
        self.county.totp_secret = "JBSWY3DPEHPK3PXP"
        self.county.save()
        response = self.api(self.sysadmin).get(f"/api/v1/users/{self.county.pk}/")
        body = response.json()
        self.assertNotIn("password", body)
        self.assertNotIn("totp_secret", body)
        self.assertNotIn(self.county.password, response.content.decode())
        self.assertNotIn("JBSWY3DPEHPK3PXP", response.content.decode())
        self.assertEqual((body["org_code"], body["role"]), ("440703", "target"))

    def test_it_hides_other_users_from_business_roles(self):
        for user in (self.county, self.stranger, self.assessor, self.expert, self.auditadmin):
            with self.subTest(user=user.username):
                response = self.api(user).get(f"/api/v1/users/{self.office.pk}/")
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.api(self.office).get(f"/api/v1/users/{self.county.pk}/").status_code, 200)
        self.assertEqual(self.api(self.county).get("/api/v1/users/not-a-number/").status_code, 404)

    def test_it_shows_everyone_itself(self):
        for name, user in self.personas.items():
            with self.subTest(persona=name):
                response = self.api(user).get("/api/v1/users/me/")
                self.assertEqual(response.json()["username"], user.username)
        self.assertEqual(self.api().get("/api/v1/users/me/").status_code, 401)

    def test_it_lets_only_the_sysadmin_create_users_with_the_password_policy(self):
        payload = {
            "username": "kaiping",
            "name": "开平填报员",
            "org": self.county_org.pk,
            "role": "target",
            "password": "short",
        }
        for user in (self.office, self.secadmin, self.county):
            with self.subTest(user=user.username):
                self.assertEqual(
                    self.api(user).post("/api/v1/users/", payload, format="json").status_code, 403
                )
        response = self.api(self.sysadmin).post("/api/v1/users/", payload, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("至少需要", " ".join(response.json()["error"]["fields"]["password"]))
        response = self.api(self.sysadmin).post(
            "/api/v1/users/", {**payload, "password": "Jm#Secure2024pw"}, format="json"
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertNotIn("password", response.json())
        user = User.objects.get(username="kaiping")
        self.assertTrue(user.check_password("Jm#Secure2024pw"))
        self.assertTrue(
            AuditEntry.objects.filter(action="accounts.user.created", target_id=str(user.pk)).exists()
        )

    def test_it_answers_bad_user_payloads_with_400(self):
        api = self.api(self.sysadmin)
        response = api.post(
            "/api/v1/users/",
            {"username": "PengJiang", "name": " ", "org": 99999, "role": "nope"},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        fields = response.json()["error"]["fields"]
        self.assertEqual(set(fields), {"username", "name", "org", "role"})
        self.assertIn("已存在", fields["username"][0])

    def test_it_lets_the_sysadmin_update_but_not_the_secadmin(self):
        url = f"/api/v1/users/{self.county.pk}/"
        self.assertEqual(self.api(self.secadmin).patch(url, {"phone": "1"}, format="json").status_code, 403)
        self.assertEqual(self.api(self.office).patch(url, {"phone": "1"}, format="json").status_code, 403)
        response = self.api(self.sysadmin).patch(url, {"phone": "0750-1"}, format="json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["phone"], "0750-1")
        self.assertTrue(
            AuditEntry.objects.filter(action="accounts.user.updated", target_id=str(self.county.pk)).exists()
        )
        response = self.api(self.sysadmin).patch(url, {"password": "Another#Pw2024"}, format="json")
        self.assertEqual(response.status_code, 400)

    def test_it_lists_with_constant_queries(self):
        api = self.api(self.sysadmin)
        api.get("/api/v1/users/")
        with self.assertNumQueries(3):
            api.get("/api/v1/users/")
        from fazhi.testing import make_user

        for i in range(15):
            make_user(f"extra{i}", self.county_org, "target")
        with self.assertNumQueries(3):
            api.get("/api/v1/users/")


class TokenApiTestCase(BaseTestCase):
    def test_it_creates_rotates_and_revokes_the_callers_own_token(self):
        client = APIClient()
        client.force_login(self.county)
        self.assertEqual(
            client.get("/api/v1/auth/token/").json(),
            {"exists": False, "created": None, "expires": None, "prefix": None},
        )
        first = client.post("/api/v1/auth/token/").json()["token"]
        second = client.post("/api/v1/auth/token/").json()["token"]
        self.assertNotEqual(first, second)
        self.assertEqual(ApiToken.objects.get(user=self.county).key_hash, tokens.key_hash(second))
        status = client.get("/api/v1/auth/token/").json()
        self.assertEqual((status["exists"], status["prefix"]), (True, second[:6]))
        self.assertNotIn(second, str(status))

        with_token = APIClient(HTTP_AUTHORIZATION=f"Token {second}")
        self.assertEqual(with_token.get("/api/v1/users/me/").json()["username"], "pengjiang")
        self.assertEqual(
            APIClient(HTTP_AUTHORIZATION=f"Token {first}").get("/api/v1/users/me/").status_code, 401
        )

        self.assertEqual(client.delete("/api/v1/auth/token/").status_code, 204)
        self.assertEqual(with_token.get("/api/v1/users/me/").status_code, 401)
        actions = list(AuditEntry.objects.filter(actor=self.county).values_list("action", flat=True))
        self.assertEqual(actions.count("accounts.token.created"), 2)
        self.assertIn("accounts.token.revoked", actions)

    def test_it_needs_a_login_and_csrf_for_session_callers(self):
        self.assertEqual(APIClient().post("/api/v1/auth/token/").status_code, 401)
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(self.county)
        response = client.post("/api/v1/auth/token/")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ApiToken.objects.exists())


class OpenApiTestCase(BaseTestCase):
    def test_it_serves_a_schema_with_the_org_user_and_token_paths(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertTrue(schema["openapi"].startswith("3."))
        for path in (
            "/api/v1/orgs/",
            "/api/v1/orgs/{id}/",
            "/api/v1/users/",
            "/api/v1/users/{id}/",
            "/api/v1/users/me/",
            "/api/v1/auth/token/",
        ):
            self.assertIn(path, schema["paths"])
        user_props = schema["components"]["schemas"]["User"]["properties"]
        self.assertTrue(user_props["password"]["writeOnly"])
        self.assertIn("tokenAuth", schema["components"]["securitySchemes"])

    def test_it_serves_the_interactive_docs_under_the_strict_csp(self):
        response = self.client_for(self.office).get("/api/v1/docs/")
        self.assertEqual(response.status_code, 200)
        csp = response["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp.split("script-src")[1].split(";")[0])
        self.assertNotIn(b"<script>", response.content)
