"""accounts.http.request_user: the one way pages and API endpoints read the signed-in user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory, force_authenticate

from accounts.http import request_user
from fazhi.testing import BaseTestCase


class RequestUserTestCase(BaseTestCase):
    def test_it_gives_the_user_of_a_page_request(self):
        request = RequestFactory().get("/")
        request.user = self.county
        self.assertEqual(request_user(request), self.county)

    def test_it_gives_the_user_of_an_api_request(self):
        from rest_framework.request import Request

        raw = APIRequestFactory().get("/api/v1/orgs/")
        force_authenticate(raw, user=self.office)
        self.assertEqual(request_user(Request(raw)), self.office)

    def test_it_refuses_an_anonymous_request(self):
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        with self.assertRaises(PermissionDenied):
            request_user(request)
