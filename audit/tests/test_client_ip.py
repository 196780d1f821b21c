"""The address in the audit log and in the lock-out is the client's: X-Forwarded-For
is believed only from FAZHI_TRUSTED_PROXIES, and then only its right-most
address that is not itself a trusted proxy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from audit.models import AuditEntry
from fazhi.testing import BaseTestCase

ROOT = Path(__file__).resolve().parents[2]


class ClientAddressTestCase(BaseTestCase):
    def fail_login_from(self, remote_addr: str, forwarded_for: str | None = None) -> tuple[str, str]:
        """A failed log-in; the addresses the audit log and django-axes recorded."""
        headers = {"REMOTE_ADDR": remote_addr}
        if forwarded_for is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
        Client(**headers).post(reverse("accounts:login"), {"username": "pengjiang", "password": "wrong"})
        entry = AuditEntry.objects.filter(action="accounts.login.failed").order_by("-seq").first()
        attempt = AccessAttempt.objects.filter(username="pengjiang").order_by("-pk").first()
        assert entry is not None and attempt is not None
        return entry.ip, attempt.ip_address

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_it_records_the_client_behind_a_trusted_proxy_in_the_audit_log_and_the_lockout(self):
        self.assertEqual(self.fail_login_from("10.0.0.5", "203.0.113.7"), ("203.0.113.7", "203.0.113.7"))

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_it_takes_the_right_most_address_that_is_not_a_trusted_proxy(self):
        # The client wrote 1.1.1.1 itself; the edge proxy appended the real 203.0.113.7,
        # the inner proxy appended the edge proxy's 10.0.0.6.
        self.assertEqual(
            self.fail_login_from("10.0.0.5", "1.1.1.1, 203.0.113.7, 10.0.0.6"),
            ("203.0.113.7", "203.0.113.7"),
        )

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_it_ignores_a_spoofed_header_from_an_untrusted_client(self):
        self.assertEqual(self.fail_login_from("198.51.100.9", "10.0.0.1"), ("198.51.100.9", "198.51.100.9"))

    def test_it_ignores_the_header_when_no_proxy_is_trusted(self):
        self.assertEqual(self.fail_login_from("10.0.0.5", "203.0.113.7"), ("10.0.0.5", "10.0.0.5"))

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_it_falls_back_to_the_proxy_when_the_header_holds_no_address(self):
        self.assertEqual(self.fail_login_from("10.0.0.5", "<script>"), ("10.0.0.5", "10.0.0.5"))

    @override_settings(TRUSTED_PROXIES=["10.0.0.5", "2001:db8::/32"])
    def test_it_accepts_single_addresses_and_ipv6_networks(self):
        self.assertEqual(
            self.fail_login_from("2001:db8::1", "2001:db8::2, 203.0.113.8"), ("203.0.113.8", "203.0.113.8")
        )


class TrustedProxiesSettingTestCase(BaseTestCase):
    def test_it_refuses_to_start_with_a_bad_trusted_proxy(self):
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            {"FAZHI_TRUSTED_PROXIES": "10.0.0.1, 前端代理", "FAZHI_DATA_DIR": os.environ["FAZHI_DATA_DIR"]}
        )
        result = subprocess.run(
            [sys.executable, "-m", "fazhi.cli", "check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("FAZHI_TRUSTED_PROXIES", result.stderr)
        self.assertIn("前端代理", result.stderr)
