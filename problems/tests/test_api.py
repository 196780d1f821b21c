"""/api/v1/problems/…: the same rules as the pages, errors in one shape."""

from __future__ import annotations

from problems.models import Problem
from problems.tests.base import ProblemsTestCase, days

API = "/api/v1/problems"


class ProblemApiTestCase(ProblemsTestCase):
    def post(self, user, url, data=None):
        return self.client_for(user).post(url, data or {}, content_type="application/json")

    def test_it_registers_and_lists_with_filters_and_points_out_duplicates(self):
        first = self.register(title="某交警中队违规设卡查车")
        created = self.post(
            self.office,
            f"{API}/",
            {
                "source": "hotline",
                "title": "某交警中队违规设卡 查车",
                "org": "440703",
                "deadline": str(days(30)),
            },
        )
        self.assertEqual(created.status_code, 201)
        body = created.json()
        self.assertEqual(
            (body["state"], body["org_code"], body["actions"]),
            ("registered", "440703", ["assign", "dismiss"]),
        )
        self.assertEqual([d["id"] for d in body["likely_duplicates"]], [first.pk])
        listed = self.client_for(self.office).get(f"{API}/", {"org": "440703", "state": "registered"}).json()
        self.assertEqual(listed["count"], 2)

    def test_it_refuses_bad_input_with_field_messages_and_registers_nothing(self):
        response = self.post(self.office, f"{API}/", {"source": "nowhere", "title": "", "org": "999"})
        self.assertEqual(response.status_code, 400)
        error = response.json()["error"]
        self.assertEqual(error["code"], "invalid")
        self.assertEqual(set(error["fields"]), {"source", "title", "org"})
        past = self.post(
            self.office,
            f"{API}/",
            {"source": "hotline", "title": "x", "org": "440703", "deadline": str(days(-1))},
        )
        self.assertEqual(past.status_code, 400)
        self.assertIn("deadline", past.json()["error"]["fields"])
        self.assertEqual(
            self.post(
                self.county, f"{API}/", {"source": "hotline", "title": "x", "org": "440703"}
            ).status_code,
            403,
        )
        self.assertFalse(Problem.objects.exists())

    def test_it_walks_the_flow_with_one_post_per_step(self):
        problem = self.register()
        url = f"{API}/{problem.pk}"
        self.assertEqual(
            self.post(
                self.office, f"{url}/assign/", {"org": "440703", "deadline": str(days(30))}
            ).status_code,
            200,
        )
        self.assertEqual(self.post(self.county, f"{url}/sign/").json()["state"], "signed")
        self.assertEqual(
            self.post(self.county, f"{url}/verify/", {"note": "属实"}).json()["state"], "verified"
        )
        body = self.post(self.county, f"{url}/plan/", {"note": "限期整改", "deadline": str(days(20))}).json()
        self.assertEqual((body["state"], body["deadline"]), ("rectifying", str(days(20))))
        self.assertEqual(
            self.post(self.county, f"{url}/complete/", {"note": "已整改"}).json()["state"], "rectified"
        )
        self.assertEqual(
            self.post(self.office, f"{url}/reject/", {"note": "不到位"}).json()["state"], "rectifying"
        )
        self.post(self.county, f"{url}/complete/", {"note": "再次整改"})
        self.post(self.office, f"{url}/accept/")
        closed = self.post(self.office, f"{url}/close/").json()
        self.assertEqual(closed["state"], "closed")
        self.assertEqual(len(closed["events"]), 10)

    def test_it_answers_409_out_of_order_403_for_the_other_party_404_for_strangers(self):
        problem = self.walk(self.register(), "assign")
        url = f"{API}/{problem.pk}"
        conflict = self.post(self.office, f"{url}/accept/")
        self.assertEqual(conflict.status_code, 409)
        self.assertEqual(conflict.json()["error"]["code"], "invalid_transition")
        self.assertIn("不能「验收通过」", conflict.json()["error"]["message"])
        other = self.post(self.office, f"{url}/sign/")
        self.assertEqual(
            (other.status_code, other.json()["error"]["message"]), (403, "「签收」由责任单位办理。")
        )
        for user in (self.stranger, self.assessor, self.expert):
            self.assertEqual(self.post(user, f"{url}/sign/").status_code, 404)
            self.assertEqual(self.client_for(user).get(f"{url}/").status_code, 404)
        self.assertEqual(self.client_for(self.stranger).get(f"{API}/").json()["count"], 0)
        self.assertEqual(self.client_for(self.sysadmin).get(f"{API}/").status_code, 403)
        problem.refresh_from_db()
        self.assertEqual(problem.state, "assigned")

    def test_it_handles_extensions_and_supervision(self):
        problem = self.walk(self.register(), "assign", "sign")
        url = f"{API}/{problem.pk}"
        asked = self.post(
            self.county, f"{url}/extension/", {"requested_deadline": str(days(60)), "reason": "需协调"}
        )
        self.assertEqual(asked.status_code, 201)
        self.assertEqual(
            self.post(
                self.county, f"{url}/extension/", {"requested_deadline": str(days(70)), "reason": "再延"}
            ).status_code,
            409,
        )
        self.assertEqual(self.post(self.county, f"{url}/extension/decide/", {"grant": True}).status_code, 403)
        granted = self.post(self.office, f"{url}/extension/decide/", {"grant": True}).json()
        self.assertEqual(
            (granted["deadline"], granted["extensions"][0]["status"]), (str(days(60)), "granted")
        )
        self.assertEqual(self.post(self.office, f"{url}/supervise/", {"on": True}).json()["supervised"], True)
        self.assertEqual(self.post(self.office, f"{url}/supervise/", {"on": True}).status_code, 409)

    def test_it_counts_only_what_the_caller_may_see(self):
        self.walk(self.register(), "assign")
        self.walk(self.register(org=self.stranger_org, title="江海区"), "assign")
        office = self.client_for(self.office).get(f"{API}/stats/").json()
        self.assertEqual((office["total"], office["by_state"]["assigned"]), (2, 2))
        county = self.client_for(self.county).get(f"{API}/stats/").json()
        self.assertEqual((county["total"], county["by_unit"]), (1, {"蓬江区": 1}))

    def test_it_lists_campaigns_to_the_office_and_to_units_with_clues_in_them(self):
        campaigns = self.client_for(self.office).get("/api/v1/problem-campaigns/").json()
        self.assertEqual(
            campaigns["results"][0]["categories"], ["逐利执法", "执法不规范", "执法方式简单僵化"]
        )
        self.assertEqual(self.client_for(self.county).get("/api/v1/problem-campaigns/").json()["count"], 0)
        self.walk(self.register(campaign=self.campaign, category="逐利执法"), "assign")
        self.assertEqual(self.client_for(self.county).get("/api/v1/problem-campaigns/").json()["count"], 1)
