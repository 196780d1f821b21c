"""Log-in throttling per address as well as per account: one password sprayed over many
accounts from one address is slowed, while colleagues elsewhere are not."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse

from accounts.models import SecurityPolicy
from accounts.services import security_policy_update
from accounts.tests.test_totp_enforcement import give_totp
from accounts.tests.test_views_accounts import PasswordLoginTestCase, login

SPRAYER = "203.0.113.66"
ELSEWHERE = "198.51.100.7"


class AddressThrottleTestCase(PasswordLoginTestCase):
    def spray(self, count: int, *, address: str = SPRAYER) -> list[int]:
        client = Client(REMOTE_ADDR=address)
        return [login(client, f"user{i:02d}", "Spring2026!").status_code for i in range(count)]

    def test_it_slows_a_spray_of_twenty_usernames_from_one_address(self):
        limit = SecurityPolicy.current().address_failure_limit
        self.assertLess(limit, 20)
        statuses = self.spray(20)
        self.assertEqual(statuses[:limit], [200] * limit)
        self.assertEqual(statuses[limit:], [429] * (20 - limit))
        # No single account reached its own lock-out: only the per-address count stops this.
        self.assertFalse(AccessAttempt.objects.filter(failures_since_start__gte=2).exists())

        response = login(Client(REMOTE_ADDR=SPRAYER), "pengjiang")  # even the right password
        self.assertContains(response, "请稍后再试", status_code=429)
        self.assertContains(response, "约 10 分钟后", status_code=429)
        self.assertLessEqual(int(response["Retry-After"]), 10 * 60)
        self.assertNotIn("_auth_user_id", response.wsgi_request.session)
        # Colleagues at another address log in as usual.
        self.assertRedirects(
            login(Client(REMOTE_ADDR=ELSEWHERE), "pengjiang"), "/", fetch_redirect_response=False
        )

    def test_it_lets_the_address_in_again_once_the_window_has_passed(self):
        self.spray(12)
        self.assertEqual(login(Client(REMOTE_ADDR=SPRAYER), "pengjiang").status_code, 429)
        for entry in AccessFailureLog.objects.filter(ip_address=SPRAYER):
            entry.attempt_time -= timedelta(minutes=11)
            entry.save()
        self.assertRedirects(
            login(Client(REMOTE_ADDR=SPRAYER), "pengjiang"), "/", fetch_redirect_response=False
        )

    def test_it_follows_the_limit_and_window_the_secadmin_sets(self):
        security_policy_update(actor=self.secadmin, address_failure_limit=5, address_window_minutes=3)
        self.assertEqual(self.spray(6), [200] * 5 + [429])
        response = login(Client(REMOTE_ADDR=SPRAYER), "pengjiang")
        self.assertContains(response, "约 3 分钟后", status_code=429)

    def test_it_refuses_the_totp_step_from_a_throttled_address(self):
        totp = give_totp(self.county)
        client = Client(REMOTE_ADDR=SPRAYER)
        login(client, "pengjiang")
        self.spray(10)
        response = client.post(reverse("accounts:login_totp"), {"code": totp.now()})
        self.assertContains(response, "请稍后再试", status_code=429)
        self.assertNotIn("_auth_user_id", client.session)
