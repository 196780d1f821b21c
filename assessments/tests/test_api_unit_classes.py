"""/api/v1/assessments/unit-classes/: 分类考评 through the API — the office lists,
creates, changes and deletes a campaign's classes; errors are structured and
change nothing; a unit taking part gets 403, whoever takes no part 404."""

from __future__ import annotations

from decimal import Decimal as D

from rest_framework.test import APIClient

from assessments.models import Campaign, UnitClass
from assessments.tests.fixtures import WorkflowTestCase
from audit.models import AuditEntry

BASE = "/api/v1/assessments/unit-classes/"


class UnitClassApiTestCase(WorkflowTestCase):
    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def create(self, **body):
        payload = {"campaign": self.campaign.pk, "name": "县区", "full_marks": "80", "members": ["440703"]}
        return self.api(self.office).post(BASE, {**payload, **body}, format="json")

    def test_it_lets_the_office_create_list_change_and_delete_a_class(self):
        response = self.create()
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["name"], body["full_marks"]), ("县区", "80.00"))
        self.assertEqual([m["code"] for m in body["members"]], [self.county_org.code])
        pk = body["id"]
        client = self.api(self.office)
        listed = client.get(BASE, {"campaign": self.campaign.pk}).json()["results"]
        self.assertEqual([row["id"] for row in listed], [pk])
        changed = client.patch(f"{BASE}{pk}/", {"full_marks": "90"}, format="json")
        self.assertEqual(changed.status_code, 200, changed.content)
        self.assertEqual((changed.json()["name"], changed.json()["full_marks"]), ("县区", "90.00"))
        self.assertEqual(len(changed.json()["members"]), 1)
        put = client.put(
            f"{BASE}{pk}/",
            {"name": "县（市、区）", "full_marks": "85", "members": ["440703", "440704"]},
            format="json",
        )
        self.assertEqual(put.status_code, 200, put.content)
        unit_class = UnitClass.objects.get(pk=pk)
        self.assertEqual((unit_class.name, unit_class.full_marks), ("县（市、区）", D(85)))
        self.assertEqual(unit_class.members.count(), 2)
        self.assertEqual(client.delete(f"{BASE}{pk}/").status_code, 204)
        self.assertFalse(UnitClass.objects.filter(pk=pk).exists())
        actions = AuditEntry.objects.filter(action__startswith="assessments.unit_class.").values_list(
            "action", flat=True
        )
        self.assertEqual(
            sorted(actions),
            sorted(
                ["assessments.unit_class.created"]
                + ["assessments.unit_class.updated"] * 2
                + ["assessments.unit_class.deleted"]
            ),
        )

    def test_it_answers_structured_errors_and_saves_nothing(self):
        self.assertEqual(self.create().status_code, 201)
        twice = self.create(name="市直单位")
        self.assertEqual(twice.status_code, 400)
        self.assertIn("已属于其他类别", str(twice.json()["error"]["fields"]["members"]))
        same_name = self.create(members=[])
        self.assertIn("已存在", str(same_name.json()["error"]["fields"]["name"]))
        zero = self.create(name="市直单位", full_marks="0", members=[])
        self.assertEqual(zero.status_code, 400)
        self.assertIn("full_marks", zero.json()["error"]["fields"])
        outsider = self.create(name="市直单位", members=[self.sfj.code])
        self.assertIn("不是本次考评的被考评单位", str(outsider.json()["error"]["fields"]["members"]))
        unknown = self.create(name="市直单位", members=["999999"])
        self.assertEqual(unknown.status_code, 400)
        no_campaign = self.api(self.office).post(
            BASE, {"name": "市直单位", "full_marks": "80"}, format="json"
        )
        self.assertIn("campaign", no_campaign.json()["error"]["fields"])
        self.assertEqual(UnitClass.objects.count(), 1)

    def test_it_refuses_changes_once_the_results_are_published(self):
        pk = self.create().json()["id"]
        Campaign.objects.filter(pk=self.campaign.pk).update(phase="published")
        client = self.api(self.office)
        response = client.patch(f"{BASE}{pk}/", {"full_marks": "90"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("已公布", str(response.json()))
        self.assertEqual(client.delete(f"{BASE}{pk}/").status_code, 400)
        self.assertEqual(UnitClass.objects.get(pk=pk).full_marks, D(80))

    def test_it_refuses_units_and_hides_the_classes_from_outsiders(self):
        pk = self.create().json()["id"]
        county = self.api(self.county)
        self.assertEqual(county.get(BASE, {"campaign": self.campaign.pk}).status_code, 403)
        self.assertEqual(county.get(BASE).status_code, 403)
        self.assertEqual(county.patch(f"{BASE}{pk}/", {"full_marks": "1"}, format="json").status_code, 403)
        self.assertEqual(county.delete(f"{BASE}{pk}/").status_code, 403)
        self.assertEqual(
            county.post(
                BASE, {"campaign": self.campaign.pk, "name": "甲", "full_marks": "9"}, format="json"
            ).status_code,
            403,
        )
        expert = self.api(self.expert)
        self.assertEqual(expert.get(f"{BASE}{pk}/").status_code, 404)
        self.assertEqual(expert.delete(f"{BASE}{pk}/").status_code, 404)
        self.assertEqual(UnitClass.objects.get(pk=pk).full_marks, D(80))
