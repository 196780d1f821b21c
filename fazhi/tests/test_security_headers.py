"""Every kind of response carries the browser-side protections: pages, the log-in
page, API JSON, file downloads and the 403/404/413/429 answers."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from attachments.services import attachment_create
from attachments.tests import samples
from fazhi.testing import BaseTestCase

THROTTLE_ONE_PER_MINUTE = {
    **settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "1/min", "token": "1/hour"},
}


class SecurityHeadersTestCase(BaseTestCase):
    def responses(self):
        attachment = attachment_create(
            actor=self.county, uploaded_file=SimpleUploadedFile("a.pdf", samples.PDF), org=self.county_org
        )
        county = self.client_for(self.county)
        api = APIClient()
        api.force_authenticate(self.county)
        yield "page", county.get(reverse("workbench:home")), 200
        yield "log-in page", self.client.get(reverse("accounts:login")), 200
        yield "API JSON", api.get("/api/v1/users/me/"), 200
        yield "download", county.get(reverse("attachments:download", args=[attachment.pk])), 200
        yield "preview", county.get(reverse("attachments:preview", args=[attachment.pk])), 200
        yield "403 page", county.get(reverse("audit:list")), 403
        yield "404 page", county.get("/no-such-page/"), 404
        yield "API 404", api.get("/api/v1/users/999999/"), 404
        with self.assertLogs("fazhi.security", "WARNING"):
            too_large = county.generic("POST", reverse("attachments:upload"), CONTENT_LENGTH=str(30 << 20))
        yield "413 page", too_large, 413
        with override_settings(REST_FRAMEWORK=THROTTLE_ONE_PER_MINUTE):
            api.get("/api/v1/orgs/")
            yield "API 429", api.get("/api/v1/orgs/"), 429

    def test_it_sends_the_protective_headers_on_every_kind_of_response(self):
        for kind, response, status in self.responses():
            with self.subTest(kind=kind):
                self.assertEqual(response.status_code, status)
                csp = dict(
                    (*p.strip().split(" ", 1), "")[:2] for p in response["Content-Security-Policy"].split(";")
                )
                self.assertEqual(
                    csp["default-src"], "'none'" if kind in ("download", "preview") else "'self'"
                )
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["X-Frame-Options"], "DENY")
                self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
                self.assertIn("no-store", response["Cache-Control"])
                self.assertIn("private", response["Cache-Control"])

    def test_it_forbids_framing_of_pages(self):
        response = self.client_for(self.office).get(reverse("workbench:home"))
        self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])

    def test_it_lets_static_files_be_cached(self):
        response = self.client.get(settings.STATIC_URL + "fazhi/app.js")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("no-store", response.get("Cache-Control", ""))
