"""`next=` only ever leads to a page of this site: log-in (with and without the TOTP
step), log-out, and every view that honours a `next`; anything else lands on the
home page (or the view's own page)."""

from __future__ import annotations

import time

import pyotp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, SimpleTestCase
from django.urls import reverse

from accounts.http import safe_next_url
from accounts.middleware import LAST_SEEN
from accounts.models import User
from accounts.tests.test_views_accounts import PasswordLoginTestCase, login
from assessments.tests.fixtures import ResultsTestCase
from attachments.services import attachment_create
from attachments.tests import samples
from fazhi.testing import PASSWORD

EVIL = (
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(document.cookie)",
    "http://evil.example/accounts/login/",
    "///evil.example",
    "/\\/evil.example",
    " //evil.example",
    "/\t/evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "JaVaScRiPt:alert(1)",
)


class SafeNextUrlTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.request = RequestFactory().get("/")

    def test_it_keeps_paths_of_this_site(self):
        for value in ("/orgs/", "/orgs/?q=江门&page=2", "/accounts/login/?next=/orgs/", "/"):
            with self.subTest(value=value):
                self.assertEqual(safe_next_url(self.request, value), value)

    def test_it_falls_back_for_anything_leading_elsewhere(self):
        for value in (*EVIL, "", None, "orgs/", "http://testserver/orgs/"):
            with self.subTest(value=value):
                self.assertEqual(safe_next_url(self.request, value, fallback="/home/"), "/home/")


class LoginRedirectTestCase(PasswordLoginTestCase):
    def test_it_lands_on_the_home_page_whatever_next_the_login_link_carries(self):
        for value in EVIL:
            with self.subTest(next=value):
                client = Client()
                response = client.post(
                    reverse("accounts:login"),
                    {"username": "office", "password": PASSWORD},
                    QUERY_STRING=f"next={value}",
                )
                self.assertRedirects(response, "/", fetch_redirect_response=False)
                self.assertIn("_auth_user_id", client.session)

    def test_it_still_follows_a_next_of_this_site(self):
        response = self.client.post(
            reverse("accounts:login") + "?next=/orgs/%3Fq%3D1", {"username": "office", "password": PASSWORD}
        )
        self.assertRedirects(response, "/orgs/?q=1", fetch_redirect_response=False)

    def test_it_lands_on_the_home_page_after_the_totp_step_too(self):
        secret = pyotp.random_base32()
        self.secadmin.totp_secret, self.secadmin.totp_enabled = secret, True
        self.secadmin.save()
        for value in ("//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"):
            with self.subTest(next=value):
                # A TOTP code is accepted once: each round starts as if no code had been used yet.
                User.objects.filter(pk=self.secadmin.pk).update(totp_last_step=None)
                client = Client()
                response = client.post(
                    reverse("accounts:login"),
                    {"username": "secadmin", "password": PASSWORD},
                    QUERY_STRING=f"next={value}",
                )
                self.assertRedirects(response, reverse("accounts:login_totp"), fetch_redirect_response=False)
                response = client.post(reverse("accounts:login_totp"), {"code": pyotp.TOTP(secret).now()})
                self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_never_follows_a_next_when_logging_out(self):
        for value in EVIL[:4]:
            with self.subTest(next=value):
                client = Client()
                login(client, "office")
                response = client.post(
                    reverse("accounts:logout"), {"next": value}, QUERY_STRING=f"next={value}"
                )
                self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
                self.assertNotIn("_auth_user_id", client.session)

    def test_it_carries_the_whole_page_address_encoded_after_an_idle_timeout(self):
        client = Client()
        login(client, "office")
        session = client.session
        session[LAST_SEEN] = time.time() - 31 * 60
        session.save()
        response = client.get("/orgs/", {"q": "江", "next": "//evil.example"})
        location = response["Location"]
        self.assertTrue(location.startswith("/accounts/login/?next=/orgs/%3F"), location)
        response = client.post(location, {"username": "office", "password": PASSWORD})
        self.assertTrue(response["Location"].startswith("/orgs/?"), response["Location"])


class AttachmentRedirectTestCase(PasswordLoginTestCase):
    def test_it_goes_back_to_my_attachments_instead_of_another_site(self):
        client = self.client_for(self.county)
        for value in EVIL[:4]:
            with self.subTest(next=value):
                attachment = attachment_create(
                    actor=self.county,
                    uploaded_file=SimpleUploadedFile("a.pdf", samples.PDF),
                    org=self.county_org,
                )
                response = client.post(reverse("attachments:delete", args=[attachment.pk]), {"next": value})
                self.assertRedirects(response, reverse("attachments:mine"), fetch_redirect_response=False)
                response = client.post(
                    reverse("attachments:upload"),
                    {
                        "file": SimpleUploadedFile("b.pdf", samples.PDF),
                        "org": self.county_org.pk,
                        "next": value,
                    },
                )
                self.assertRedirects(response, reverse("attachments:mine"), fetch_redirect_response=False)


class RectificationRedirectTestCase(ResultsTestCase):
    def test_it_never_follows_next_from_the_former_rectification_list(self):
        # 整改 moved to the problem tracker: the old "done" address ignores next= entirely
        url = reverse("assessments:rectification_done", args=[1])
        client = self.client_for(self.county)
        for value in EVIL[:4]:
            with self.subTest(next=value):
                response = client.post(url, {"done": "1", "next": value})
                self.assertRedirects(response, "/problems/?source=assessment", fetch_redirect_response=False)
