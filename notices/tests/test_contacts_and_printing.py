"""The directory of 联络员 (kept by each unit, masked for others) and the printed forms."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import Phase
from assessments.tests.fixtures import WorkflowTestCase
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from notices.models import Contact
from provincial.tests import factories


class ContactTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.mine = Contact.objects.create(
            org=self.county_org,
            module="assessments",
            name="蓬江联络员",
            phone="13812345678",
            email="zhang@pj.example",
        )

    def test_it_lets_a_unit_add_its_own_contact(self):
        response = self.client_for(self.stranger).post(
            reverse("notices:contact_create"),
            {"org": self.county_org.pk, "module": "general", "name": "江海联络员", "phone": "0750-3271234"},
        )
        self.assertEqual(response.status_code, 302)
        contact = Contact.objects.get(name="江海联络员")
        self.assertEqual(contact.org, self.stranger_org)  # its own org, whatever the form says
        self.assertTrue(AuditEntry.objects.filter(action="notices.contact.created").exists())

    def test_it_refuses_changing_another_units_contact(self):
        url = reverse("notices:contact_edit", args=[self.mine.pk])
        self.assertEqual(self.client_for(self.stranger).get(url).status_code, 403)
        response = self.client_for(self.stranger).post(
            url, {"module": "general", "name": "改名", "phone": "13800000000"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(
            self.client_for(self.stranger)
            .post(reverse("notices:contact_delete", args=[self.mine.pk]))
            .status_code,
            403,
        )
        self.assertEqual(self.client_for(self.sysadmin).get(url).status_code, 404)
        self.mine.refresh_from_db()
        self.assertEqual(self.mine.name, "蓬江联络员")

    def test_it_masks_phone_and_email_except_for_the_office_and_the_unit_itself(self):
        for user, masked in (
            (self.office, False),
            (self.county, False),
            (self.stranger, True),
            (self.assessor, True),
        ):
            with self.subTest(user=user.username):
                page = self.client_for(user).get(reverse("notices:contact_list")).content.decode()
                self.assertEqual("13812345678" in page, not masked)
                self.assertEqual("zhang@pj.example" in page, not masked)
                if masked:
                    self.assertIn("138****5678", page)
                    self.assertIn("z***@pj.example", page)
        api = APIClient()
        api.force_authenticate(self.stranger)
        row = api.get("/api/v1/notices/contacts/").json()["results"][0]
        self.assertEqual(
            (row["phone"], row["email"], row["masked"]), ("138****5678", "z***@pj.example", True)
        )
        api.force_authenticate(self.office)
        self.assertEqual(api.get("/api/v1/notices/contacts/").json()["results"][0]["phone"], "13812345678")

    def test_it_explains_a_bad_phone_number_and_a_contact_without_any_address(self):
        client = self.client_for(self.county)
        bad = client.post(
            reverse("notices:contact_create"), {"module": "general", "name": "甲", "phone": "12345"}
        )
        self.assertContains(bad, "不是有效的电话号码", status_code=400)
        none = client.post(reverse("notices:contact_create"), {"module": "general", "name": "乙"})
        self.assertContains(none, "手机号码和电子邮箱至少填写一项", status_code=400)
        api = APIClient()
        api.force_authenticate(self.county)
        answer = api.post("/api/v1/notices/contacts/", {"name": "丙", "phone": "abc"}, format="json")
        self.assertEqual(answer.status_code, 400)
        self.assertIn("phone", answer.json()["error"]["fields"])
        other = api.post(
            "/api/v1/notices/contacts/",
            {"org": self.stranger_org.pk, "name": "丁", "phone": "13800000000"},
            format="json",
        )
        self.assertEqual(other.status_code, 403)
        self.assertEqual(Contact.objects.count(), 1)

    def test_it_keeps_the_directory_from_the_three_admins(self):
        for user in (self.sysadmin, self.secadmin, self.auditadmin):
            self.assertEqual(self.client_for(user).get(reverse("notices:contact_list")).status_code, 404)


class PrintStylesheetTestCase(BaseTestCase):
    def test_it_links_a_print_stylesheet_on_every_page(self):
        page = self.client_for(self.county).get(reverse("workbench:home"))
        self.assertContains(page, f'href="{settings.STATIC_URL}fazhi/print.css" media="print"')
        with open(finders.find("fazhi/print.css"), encoding="utf-8") as fh:
            css = fh.read()
        self.assertIn("thead { display: table-header-group; }", css)
        self.assertRegex(css, r"nav\.navbar[^{]*\{ display: none !important; \}")
        self.assertIn("page-break-after: always", css)


class PrintedAssessmentFormsTestCase(WorkflowTestCase):
    def setUp(self) -> None:
        self.advance_to(Phase.SCORING)

    def test_it_prints_a_countys_self_assessment_form_for_the_county_and_the_office(self):
        url = reverse("notices:print_self_assessment", args=[self.campaign.pk, self.county_org.pk])
        for user, status in (
            (self.county, 200),
            (self.office, 200),
            (self.stranger, 404),
            (self.assessor, 404),
            (self.sysadmin, 404),
        ):
            with self.subTest(user=user.username):
                self.assertEqual(self.client_for(user).get(url).status_code, status)
        page = self.client_for(self.county).get(url)
        self.assertContains(page, "蓬江区2023年度法治建设考评自评表")
        self.assertContains(page, "重大行政决策合法性审查")
        self.assertContains(page, "填报人：")
        self.assertContains(page, "<thead>")

    def test_it_prints_a_units_scoring_form_with_a_page_per_target(self):
        url = reverse("notices:print_scoring", args=[self.campaign.pk, self.sfj.pk])
        for user, status in (
            (self.assessor, 200),
            (self.office, 200),
            (self.assessor_b, 404),
            (self.county, 404),
        ):
            with self.subTest(user=user.username):
                self.assertEqual(self.client_for(user).get(url).status_code, status)
        page = self.client_for(self.assessor).get(url).content.decode()
        self.assertEqual(page.count('<section class="print-unit">'), 2)
        self.assertIn("被考评单位：<strong>蓬江区</strong>", page)
        self.assertIn("被考评单位：<strong>江海区</strong>", page)
        self.assertNotIn("行政执法规范化", page)  # 市公安局's indicator


class PrintedTaskListTestCase(BaseTestCase):
    def test_it_prints_the_task_list_a_page_per_unit_and_a_unit_only_its_own(self):
        framework = factories.framework(self.office)
        factories.task(self.office, framework.indicators.get(code="1.1"), self.sfj)
        factories.task(self.office, framework.indicators.get(code="2.1"), self.gaj)
        url = reverse("notices:print_tasks")
        office = self.client_for(self.office).get(url).content.decode()
        self.assertEqual(office.count('<section class="print-unit">'), 2)
        unit = self.client_for(self.assessor).get(url).content.decode()
        self.assertEqual(unit.count('<section class="print-unit">'), 1)
        self.assertIn("学习贯彻习近平法治思想", unit)
        self.assertNotIn("行政执法三项制度", unit)
        self.assertEqual(self.client_for(self.county).get(url).status_code, 404)
