"""What each persona is shown: the lists hold only its data scope, the navigation only
what it may open. Who may reach each route is the matrix of test_authz_routes.py."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachments.services import attachment_create
from attachments.tests import samples
from fazhi.testing import BaseTestCase


class ListVisibilityTestCase(BaseTestCase):
    """Lists show each persona the objects in its data scope, and nothing else."""

    def codes_on_org_list(self, user) -> set[str]:
        html = self.client_for(user).get(reverse("orgs:list"), {"per_page": 100}).content.decode()
        return set(re.findall(r"<td>([0-9A-Z-]+)</td><td><a href=\"/orgs/", html))

    def test_it_shows_each_persona_its_own_part_of_the_org_tree(self):
        everything = {
            "440700",
            "440703",
            "440703001",
            "440704",
            "440700-YFZSB",
            "440700-SFJ",
            "440700-GAJ",
            "440700-ZJK",
        }
        self.assertEqual(self.codes_on_org_list(self.office), everything)
        self.assertEqual(self.codes_on_org_list(self.sysadmin), everything)
        self.assertEqual(self.codes_on_org_list(self.county), {"440703", "440703001"})
        self.assertEqual(self.codes_on_org_list(self.stranger), {"440704"})
        self.assertEqual(self.codes_on_org_list(self.assessor), {"440700-SFJ"})
        self.assertEqual(self.codes_on_org_list(self.expert), {"440700-ZJK"})

    def test_it_lists_every_account_to_the_sysadmin_and_secadmin(self):
        for user in (self.sysadmin, self.secadmin):
            response = self.client_for(user).get(reverse("accounts:user_list"), {"per_page": 100})
            for persona in self.personas.values():
                self.assertContains(response, f"<td>{persona.username}</td>")

    def test_it_shows_only_my_jobs_and_my_uploads(self):
        attachment_create(
            actor=self.stranger,
            uploaded_file=SimpleUploadedFile("江海.pdf", samples.PDF),
            org=self.stranger_org,
        )
        self.assertNotContains(self.client_for(self.county).get(reverse("attachments:mine")), "江海.pdf")
        self.assertContains(self.client_for(self.stranger).get(reverse("attachments:mine")), "江海.pdf")


class NavigationTestCase(BaseTestCase):
    def test_it_shows_the_three_admin_request_page_in_the_navbar_to_the_sysadmin_and_secadmin_only(self):
        link = f'href="{reverse("accounts:admin_role_list")}"'
        for name, persona in self.personas.items():
            with self.subTest(persona=name):
                home = self.client_for(persona).get(reverse("workbench:home")).content.decode()
                self.assertEqual(link in home, name in ("sysadmin", "secadmin"))
