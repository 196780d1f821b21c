from django.urls import reverse

from accounts.models import ApiToken
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase


class ApiTokenPageTestCase(BaseTestCase):
    def test_it_creates_a_token_shown_once_and_revokes_it(self):
        client = self.client_for(self.county)
        url = reverse("accounts:api_token")
        self.assertContains(client.get(url), "尚未创建令牌")
        response = client.post(url, {"action": "create"})
        key = response.context["new_key"]
        token = ApiToken.objects.get(user=self.county)
        self.assertTrue(key.startswith(token.prefix))
        self.assertContains(response, key)
        self.assertNotContains(client.get(url), key)
        client.post(url, {"action": "revoke"})
        self.assertFalse(ApiToken.objects.filter(user=self.county).exists())
        actions = list(AuditEntry.objects.filter(actor_id=self.county.pk).values_list("action", flat=True))
        self.assertIn("accounts.token.created", actions)
        self.assertIn("accounts.token.revoked", actions)

    def test_it_sends_anonymous_users_to_log_in(self):
        response = self.client.get(reverse("accounts:api_token"))
        self.assertEqual(response.status_code, 302)


class AdminPasswordTestCase(BaseTestCase):
    def test_it_lets_only_the_system_admin_set_a_password_under_the_policy(self):
        url = reverse("accounts:user_password", args=[self.county.pk])
        for persona in (self.office, self.secadmin, self.county):
            self.assertIn(self.client_for(persona).post(url, {}).status_code, (403, 404))
        self.assertEqual(self.client_for(self.stranger).get(url).status_code, 404)
        client = self.client_for(self.sysadmin)
        weak = client.post(url, {"new_password1": "short", "new_password2": "short"})
        self.assertContains(weak, "密码至少需要")
        response = client.post(url, {"new_password1": "Nn@2024pass", "new_password2": "Nn@2024pass"})
        self.assertRedirects(
            response, reverse("accounts:user_edit", args=[self.county.pk]), fetch_redirect_response=False
        )
        self.county.refresh_from_db()
        self.assertTrue(self.county.check_password("Nn@2024pass"))
        self.assertTrue(
            AuditEntry.objects.filter(
                action="accounts.password.changed", target_id=str(self.county.pk)
            ).exists()
        )
