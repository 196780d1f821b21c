from rest_framework.test import APIClient

from audit.models import AuditEntry
from experts import services
from experts.models import Assignment, Draw, Expert
from experts.tests.factories import expert, pool
from fazhi.testing import BaseTestCase

API = "/api/v1/experts"


class ExpertsApiTestCase(BaseTestCase):
    def setUp(self):
        self.mine = expert(self.office, "陈志远", "administrative", user=self.expert, phone="13812345678")
        self.others = pool(self.office, 5, "administrative", "civil")
        services.conflict_declare(actor=self.office, expert=self.others[0], kind="relative", org=self.gaj)

    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client


class ProfilesApiTestCase(ExpertsApiTestCase):
    def test_it_masks_contacts_and_hides_conflicts_for_everyone_but_the_office_and_the_expert(self):
        other = self.others[0].pk
        office = self.api(self.office).get(f"{API}/profiles/{other}/").json()
        self.assertEqual(
            office["contacts"],
            {
                "phone": "13800001234",
                "email": "expert@example.com",
                "address": "广东省江门市蓬江区建设路1号",
                "masked": False,
            },
        )
        self.assertEqual(office["conflicts"][0]["org_name"], "江门市公安局")
        for name in ("county", "stranger", "assessor", "expert"):
            with self.subTest(name):
                body = self.api(getattr(self, name)).get(f"{API}/profiles/{other}/").json()
                self.assertEqual(body["contacts"]["phone"], "138****1234")
                self.assertTrue(body["contacts"]["masked"])
                self.assertNotIn("conflicts", body)
                listing = self.api(getattr(self, name)).get(f"{API}/profiles/").json()
                self.assertNotIn("13800001234", str(listing))
        own = self.api(self.expert).get(f"{API}/profiles/me/").json()
        self.assertEqual(own["contacts"]["phone"], "13812345678")

    def test_it_keeps_the_three_admins_out(self):
        for name in ("sysadmin", "secadmin", "auditadmin"):
            with self.subTest(name):
                client = self.api(getattr(self, name))
                self.assertEqual(client.get(f"{API}/profiles/").status_code, 403)
                self.assertEqual(client.get(f"{API}/profiles/{self.mine.pk}/").status_code, 404)
                self.assertEqual(client.get(f"{API}/draws/").status_code, 403)

    def test_it_filters_by_field_and_lists_the_field_codes(self):
        body = self.api(self.county).get(f"{API}/profiles/?field=civil").json()
        self.assertEqual(body["count"], 5)
        codes = [f["code"] for f in self.api(self.county).get(f"{API}/fields/").json()]
        self.assertIn("civil", codes)

    def test_it_lets_the_office_create_and_change_profiles_with_structured_errors(self):
        client = self.api(self.office)
        bad = client.post(
            f"{API}/profiles/",
            {
                "name": "x",
                "employer_name": "y",
                "field_codes": ["astrology"],
                "term_start": "2024-01-01",
                "term_end": "2023-01-01",
            },
            format="json",
        )
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(bad.json()["error"]["code"], "invalid")
        self.assertIn("term_end", bad.json()["error"]["fields"])
        self.assertEqual(Expert.objects.count(), 6)
        created = client.post(
            f"{API}/profiles/",
            {
                "name": "黄建华",
                "employer_name": "某律师事务所",
                "field_codes": ["civil"],
                "term_start": "2024-01-01",
                "term_end": "2026-12-31",
            },
            format="json",
        )
        self.assertEqual(created.status_code, 201, created.content)
        pk = created.json()["id"]
        changed = client.patch(
            f"{API}/profiles/{pk}/", {"status": "suspended", "status_note": "出国访学"}, format="json"
        )
        self.assertEqual(changed.json()["status_label"], "暂停")
        for name in ("county", "assessor", "expert"):
            with self.subTest(name):
                self.assertEqual(
                    self.api(getattr(self, name))
                    .patch(f"{API}/profiles/{pk}/", {"status": "active"}, format="json")
                    .status_code,
                    403,
                )
                self.assertEqual(
                    self.api(getattr(self, name))
                    .post(f"{API}/profiles/", {"name": "x"}, format="json")
                    .status_code,
                    403,
                )

    def test_it_lets_the_expert_declare_its_own_conflicts_only(self):
        client = self.api(self.expert)
        ok = client.post(
            f"{API}/profiles/{self.mine.pk}/conflicts/",
            {"kind": "employer", "org": self.sfj.pk},
            format="json",
        )
        self.assertEqual(ok.status_code, 201, ok.content)
        self.assertEqual(ok.json()["conflicts"][0]["org_name"], "江门市司法局")
        other = self.others[1].pk
        self.assertEqual(
            client.post(
                f"{API}/profiles/{other}/conflicts/", {"kind": "other", "description": "x"}, format="json"
            ).status_code,
            403,
        )
        empty = client.post(f"{API}/profiles/{self.mine.pk}/conflicts/", {"kind": "other"}, format="json")
        self.assertEqual(empty.status_code, 400)
        self.assertIn("org", empty.json()["error"]["fields"])
        self.assertEqual(self.mine.conflicts.count(), 1)

    def test_it_lets_the_expert_patch_its_own_contacts_but_not_its_status(self):
        client = self.api(self.expert)
        ok = client.patch(
            f"{API}/profiles/me/", {"phone": "13900001111", "field_codes": ["civil"]}, format="json"
        )
        self.assertEqual(ok.status_code, 200, ok.content)
        self.assertEqual(ok.json()["field_codes"], ["civil"])
        refused = client.patch(f"{API}/profiles/me/", {"status": "retired"}, format="json")
        self.assertEqual(refused.status_code, 403)
        self.assertIn("不能修改", refused.json()["error"]["message"])
        bad = client.patch(f"{API}/profiles/me/", {"phone": "abc"}, format="json")
        self.assertEqual(bad.status_code, 400)
        self.assertIn("phone", bad.json()["error"]["fields"])
        self.mine.refresh_from_db()
        self.assertEqual((self.mine.status, self.mine.phone), ("active", "13900001111"))
        self.assertEqual(self.api(self.county).get(f"{API}/profiles/me/").status_code, 404)


class DrawsApiTestCase(ExpertsApiTestCase):
    def test_it_lets_the_office_prepare_execute_verify_and_cancel(self):
        client = self.api(self.office)
        created = client.post(
            f"{API}/draws/",
            {
                "purpose": "迎检咨询专家",
                "purpose_code": "provincial",
                "size": 3,
                "backups": 1,
                "exclude_org_ids": [self.gaj.pk],
            },
            format="json",
        )
        self.assertEqual(created.status_code, 201, created.content)
        body = created.json()
        self.assertIsNone(body["seed"])
        self.assertEqual(body["status"], "committed")
        self.assertNotIn(self.others[0].pk, [c["id"] for c in body["candidates"]])
        executed = client.post(f"{API}/draws/{body['id']}/execute/").json()
        self.assertEqual(len(executed["panel"]), 3)
        self.assertIsNotNone(executed["seed"])
        self.assertEqual(client.post(f"{API}/draws/{body['id']}/execute/").status_code, 400)
        self.assertTrue(client.get(f"{API}/draws/{body['id']}/verify/").json()["ok"])
        self.assertEqual(client.post(f"{API}/draws/{body['id']}/cancel/", {}, format="json").status_code, 400)
        cancelled = client.post(f"{API}/draws/{body['id']}/cancel/", {"reason": "调整"}, format="json").json()
        self.assertEqual(cancelled["status"], "cancelled")
        self.assertEqual(client.get(f"{API}/draws/").json()["count"], 1)

    def test_it_refuses_bad_draw_parameters_with_structured_errors_and_saves_nothing(self):
        client = self.api(self.office)
        for payload, field in (
            ({"purpose": "x", "size": 0}, "size"),
            ({"purpose": "x", "size": 99}, "size"),
            ({"purpose": "x", "size": "many"}, "size"),
            ({"purpose": "x", "size": 2, "required_fields": ["astrology"]}, "required_fields"),
            ({"size": 2}, "purpose"),
        ):
            with self.subTest(payload):
                response = client.post(f"{API}/draws/", payload, format="json")
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json()["error"]["fields"])
        self.assertFalse(Draw.objects.exists())

    def test_it_lets_only_the_office_draw_and_lets_a_candidate_read(self):
        draw = services.draw_prepare(actor=self.office, purpose="述法评议", size=2)
        for name in ("county", "stranger", "assessor", "expert"):
            with self.subTest(name):
                client = self.api(getattr(self, name))
                self.assertEqual(
                    client.post(f"{API}/draws/", {"purpose": "x", "size": 1}, format="json").status_code, 403
                )
                self.assertEqual(client.get(f"{API}/draws/").status_code, 403)
        self.assertEqual(self.api(self.county).get(f"{API}/draws/{draw.pk}/").status_code, 404)
        self.assertEqual(self.api(self.county).post(f"{API}/draws/{draw.pk}/execute/").status_code, 404)
        candidate = self.api(self.expert)
        self.assertEqual(candidate.get(f"{API}/draws/{draw.pk}/").status_code, 200)
        self.assertEqual(candidate.post(f"{API}/draws/{draw.pk}/execute/").status_code, 403)
        self.assertEqual(Draw.objects.get().status, "committed")


class AssignmentsApiTestCase(ExpertsApiTestCase):
    def setUp(self):
        super().setUp()
        self.draw = services.draw_execute(
            actor=self.office,
            draw=services.draw_prepare(actor=self.office, purpose="述法评议", size=5, backups=1),
        )

    def test_it_shows_an_expert_only_its_own_assignments(self):
        rows = self.api(self.expert).get(f"{API}/assignments/").json()["results"]
        self.assertEqual({r["expert"] for r in rows}, {self.mine.pk})
        theirs = Assignment.objects.exclude(expert=self.mine).first()
        self.assertEqual(self.api(self.expert).get(f"{API}/assignments/{theirs.pk}/").status_code, 404)
        self.assertEqual(
            self.api(self.expert)
            .post(f"{API}/assignments/{theirs.pk}/decline/", {"reason": "x"}, format="json")
            .status_code,
            404,
        )
        self.assertEqual(self.api(self.county).get(f"{API}/assignments/").status_code, 403)
        self.assertEqual(
            self.api(self.office).get(f"{API}/assignments/?draw={self.draw.pk}").json()["count"], 6
        )

    def test_it_lets_the_expert_decline_with_a_reason_and_seats_the_backup(self):
        mine = Assignment.objects.get(expert=self.mine)
        client = self.api(self.expert)
        self.assertEqual(
            client.post(f"{API}/assignments/{mine.pk}/decline/", {}, format="json").status_code, 400
        )
        declined = client.post(
            f"{API}/assignments/{mine.pk}/decline/", {"reason": "回避"}, format="json"
        ).json()
        self.assertEqual(declined["status"], "declined")
        self.assertEqual(
            client.post(
                f"{API}/assignments/{mine.pk}/decline/", {"reason": "again"}, format="json"
            ).status_code,
            403,
        )
        if mine.role == "member":
            backup = Assignment.objects.get(draw=self.draw, role="backup")
            self.assertEqual((backup.status, backup.replaces_id), ("active", mine.pk))
        self.assertTrue(AuditEntry.objects.filter(action="experts.assignment.declined").exists())

    def test_it_lets_only_the_office_evaluate(self):
        seat = Assignment.objects.filter(draw=self.draw, role="member").first()
        self.assertEqual(
            self.api(self.expert)
            .post(f"{API}/assignments/{seat.pk}/evaluate/", {"rating": "excellent"}, format="json")
            .status_code,
            403 if seat.expert == self.mine else 404,
        )
        bad = self.api(self.office).post(
            f"{API}/assignments/{seat.pk}/evaluate/", {"rating": "superb"}, format="json"
        )
        self.assertEqual(bad.status_code, 400)
        ok = self.api(self.office).post(
            f"{API}/assignments/{seat.pk}/evaluate/",
            {"rating": "good", "evaluation": "按时完成"},
            format="json",
        )
        self.assertEqual(ok.json()["status"], "completed")

    def test_it_publishes_the_schema_of_every_resource(self):
        schema = self.api(self.office).get("/api/v1/openapi.json").json()
        for path in (
            "/api/v1/experts/profiles/",
            "/api/v1/experts/draws/{id}/execute/",
            "/api/v1/experts/assignments/{id}/decline/",
        ):
            self.assertIn(path, schema["paths"])
