from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from fazhi.testing import BaseTestCase
from provincial import services
from provincial.models import ProvincialResult, Task, TaskStatus
from provincial.tests.factories import framework, submitted, task

API = "/api/v1/provincial"
OUTSIDERS = ("county", "stranger", "assessor_b", "sysadmin", "secadmin", "auditadmin", "expert")


class ProvincialApiTestCase(BaseTestCase):
    def setUp(self):
        self.framework = framework(self.office)
        self.indicator = self.framework.indicators.get(code="1.1")
        self.task = task(self.office, self.indicator, self.sfj)

    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client


class OfficeApiTestCase(ProvincialApiTestCase):
    def test_it_lists_frameworks_indicators_tasks_and_results(self):
        client = self.api(self.office)
        frameworks = client.get(f"{API}/frameworks/").json()
        self.assertEqual(frameworks["results"][0]["indicator_count"], 4)
        detail = client.get(f"{API}/frameworks/{self.framework.pk}/").json()
        self.assertEqual(detail["total"], "20.00")
        indicators = client.get(f"{API}/indicators/?framework={self.framework.pk}").json()["results"]
        self.assertEqual([i["code"] for i in indicators], ["1.1", "1.2", "2.1", "2.2"])
        self.assertEqual(client.get(f"{API}/indicators/{self.indicator.pk}/").json()["task_count"], 1)
        tasks = client.get(f"{API}/tasks/?framework={self.framework.pk}").json()
        self.assertEqual(tasks["count"], 1)
        self.assertEqual(client.get(f"{API}/tasks/{self.task.pk}/").json()["org_name"], "江门市司法局")
        self.assertEqual(client.get(f"{API}/results/").json(), [])

    def test_it_gives_the_overview_with_expected_score_and_gaps(self):
        submitted(self.office, self.assessor_b, self.indicator, score="3")
        body = self.api(self.office).get(f"{API}/frameworks/{self.framework.pk}/overview/").json()
        self.assertEqual(body["max_total"], "20.00")
        self.assertEqual(body["expected_total"], "0.00")  # 市司法局 has nothing yet
        self.assertEqual(body["gaps"]["indicators_without_tasks"], ["1.2", "2.1", "2.2"])
        self.assertEqual(body["gaps"]["tasks_without_evidence"], [self.task.pk])
        self.assertEqual(body["tasks"], {"assigned": 1, "submitted": 1, "accepted": 0, "returned": 0})

    def test_it_assigns_reviews_and_withdraws_tasks(self):
        client = self.api(self.office)
        response = client.post(
            f"{API}/tasks/",
            {"indicator": self.indicator.pk, "org": self.gaj.pk, "deadline": "2099-03-01"},
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        new = Task.objects.get(pk=response.json()["id"])
        response = client.post(
            f"{API}/tasks/",
            {"indicator": self.indicator.pk, "org": self.office_org.pk, "deadline": "2001-03-01"},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("已经过去", response.json()["error"]["fields"]["deadline"][0])
        response = client.post(
            f"{API}/tasks/",
            {"indicator": self.indicator.pk, "org": self.county_org.pk, "deadline": "2099-03-01"},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            client.patch(f"{API}/tasks/{new.pk}/", {"deadline": "2099-04-01"}, format="json").json()[
                "deadline"
            ],
            "2099-04-01",
        )
        t = submitted(self.office, self.assessor, self.framework.indicators.get(code="2.1"))
        self.assertEqual(
            client.post(f"{API}/tasks/{t.pk}/accept/", {"reviewed_score": "9"}, format="json").status_code,
            400,
        )
        self.assertEqual(
            client.post(f"{API}/tasks/{t.pk}/accept/", {"reviewed_score": "4.5"}, format="json").json()[
                "status"
            ],
            "accepted",
        )
        response = client.post(f"{API}/tasks/{t.pk}/return/", {"reason": ""}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            client.post(f"{API}/tasks/{t.pk}/return/", {"reason": "补充"}, format="json").json()[
                "return_reason"
            ],
            "补充",
        )
        self.assertEqual(client.delete(f"{API}/tasks/{new.pk}/").status_code, 204)
        self.assertFalse(Task.objects.filter(pk=new.pk).exists())

    def test_it_records_a_province_result(self):
        client = self.api(self.office)
        response = client.post(f"{API}/results/", {"year": 2022, "grade": "优秀"}, format="json")
        self.assertEqual(response.status_code, 201)
        client.post(f"{API}/results/", {"year": 2022, "grade": "良好", "note": "更正"}, format="json")
        self.assertEqual(ProvincialResult.objects.get().grade, "良好")
        self.assertEqual(
            client.post(f"{API}/results/", {"year": 2022, "grade": "特优"}, format="json").status_code, 400
        )


class UnitApiTestCase(ProvincialApiTestCase):
    def test_it_lets_the_unit_report_upload_and_submit_its_own_task(self):
        client = self.api(self.assessor)
        self.assertEqual(client.get(f"{API}/tasks/").json()["count"], 1)
        url = f"{API}/tasks/{self.task.pk}/"
        self.assertEqual(client.post(url + "submit/").status_code, 400)
        self.assertEqual(client.patch(url, {"self_score": "7"}, format="json").status_code, 400)
        self.assertEqual(
            client.patch(url, {"note": "已完成", "self_score": "3.5"}, format="json").json()["self_score"],
            "3.50",
        )
        upload = SimpleUploadedFile("记录.txt", "学习记录".encode(), content_type="text/plain")
        response = client.post(url + "evidence/", {"file": upload}, format="multipart")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["evidence"][0]["name"], "记录.txt")
        self.assertEqual(client.post(url + "submit/").json()["status"], "submitted")
        self.assertEqual(client.patch(url, {"note": "再改"}, format="json").status_code, 403)
        self.assertEqual(client.post(url + "accept/", {}, format="json").status_code, 403)
        self.task.refresh_from_db()
        self.assertEqual((self.task.status, self.task.note), (TaskStatus.SUBMITTED, "已完成"))

    def test_it_keeps_the_unit_out_of_everything_else(self):
        other = task(self.office, self.framework.indicators.get(code="1.2"), self.gaj)
        client = self.api(self.assessor)
        self.assertEqual(
            [t["id"] for t in client.get(f"{API}/tasks/?org={self.gaj.pk}").json()["results"]], [self.task.pk]
        )
        self.assertEqual(client.get(f"{API}/tasks/{other.pk}/").status_code, 404)
        self.assertEqual(client.get(f"{API}/frameworks/").status_code, 403)
        self.assertEqual(client.get(f"{API}/frameworks/{self.framework.pk}/").status_code, 404)
        self.assertEqual(client.get(f"{API}/indicators/").status_code, 403)
        self.assertEqual(client.get(f"{API}/indicators/{self.indicator.pk}/").status_code, 404)
        self.assertEqual(
            client.post(
                f"{API}/tasks/",
                {"indicator": self.indicator.pk, "org": self.sfj.pk, "deadline": "2099-01-01"},
                format="json",
            ).status_code,
            403,
        )
        self.assertEqual(client.delete(f"{API}/tasks/{self.task.pk}/").status_code, 403)
        self.assertEqual(
            client.post(f"{API}/results/", {"year": 2022, "grade": "优秀"}, format="json").status_code, 403
        )


class OutsiderApiTestCase(ProvincialApiTestCase):
    def test_it_tells_outsiders_nothing(self):
        for name in OUTSIDERS:
            client = self.api(self.personas[name])
            with self.subTest(name):
                self.assertEqual(client.get(f"{API}/tasks/").status_code, 404)
                self.assertEqual(client.get(f"{API}/tasks/{self.task.pk}/").status_code, 404)
                self.assertEqual(
                    client.patch(f"{API}/tasks/{self.task.pk}/", {"note": "x"}, format="json").status_code,
                    404,
                )
                self.assertEqual(client.post(f"{API}/tasks/{self.task.pk}/submit/").status_code, 404)
                self.assertEqual(
                    client.get(f"{API}/frameworks/{self.framework.pk}/overview/").status_code, 404
                )
                self.assertEqual(client.get(f"{API}/frameworks/").status_code, 403)
                self.assertEqual(client.get(f"{API}/results/").status_code, 403)
        self.assertEqual(APIClient().get(f"{API}/tasks/").status_code, 401)
        self.task.refresh_from_db()
        self.assertEqual(self.task.note, "")

    def test_it_describes_the_endpoints_in_the_schema(self):
        import json

        schema = json.loads(self.api(self.office).get("/api/v1/openapi.json?format=json").content)
        for path in (
            "/api/v1/provincial/frameworks/",
            "/api/v1/provincial/tasks/{id}/return/",
            "/api/v1/provincial/tasks/{id}/evidence/",
            "/api/v1/provincial/results/",
        ):
            self.assertIn(path, schema["paths"])


class ResultsSummaryTestCase(BaseTestCase):
    def test_it_keeps_the_latest_grade_readable_for_other_modules(self):
        from provincial import selectors

        services.result_record(actor=self.office, year=2022, grade="优秀")
        self.assertEqual(selectors.grade_for(2022), "优秀")
        self.assertEqual(selectors.latest_result().year, 2022)


class ApiQueryCountTestCase(ProvincialApiTestCase):
    def count(self, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = self.api(self.office)
        client.get(url)  # the first request also writes the session
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(client.get(url).status_code, 200)
        return len(ctx.captured_queries)

    def test_it_lists_with_a_constant_number_of_queries(self):
        urls = (f"{API}/tasks/", f"{API}/indicators/", f"{API}/frameworks/")
        before = [self.count(u) for u in urls]
        for code in ("1.2", "2.1", "2.2"):
            submitted(self.office, self.assessor, self.framework.indicators.get(code=code))
        framework(self.office, year=2024)
        self.assertEqual([self.count(u) for u in urls], before)
        self.assertEqual(before, [4, 4, 3])  # the session + count, rows, prefetch
