"""List pages keep their query count whatever the number of rows; the API answers bad input with structured errors."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from fazhi.testing import BaseTestCase
from notices import numbers, services
from notices.models import Contact, Notice, NoticeRecipient, Reminder


class ListQueriesTestCase(BaseTestCase):
    def count(self, user, url: str) -> int:
        """Queries of one page view, the fewest of two after a warm-up: caches with a
        time to live and the once-a-minute session refresh add a query now and then,
        whatever the number of rows; a query per row shows in both."""
        client = self.client_for(user)
        client.get(url)
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            self.assertEqual(response.status_code, 200)
            counts.append(len(ctx.captured_queries))
        return min(counts)

    def notices(self, n: int) -> None:
        for i in range(n):
            services.notice_send(
                actor=self.office,
                title=f"通知{i}",
                body="正文",
                recipients=[self.county_org, self.stranger_org],
                notify=False,
            )

    def test_the_lists_run_the_same_queries_for_two_rows_as_for_forty(self):
        def grow() -> None:
            self.notices(20)
            for i in range(20):
                numbers.number_reserve(actor=self.office, purpose=f"文件{i}", year=2024)
                Contact.objects.create(
                    org=self.county_org, module="general", name=f"联络员{i}", phone="13800000000"
                )
                Reminder.objects.create(
                    source=f"s{i}",
                    kind="k",
                    offset=1,
                    channel="sms",
                    address="1",
                    subject="s",
                    text="t",
                    send_on=timezone.localdate(),
                )

        self.notices(2)
        numbers.number_reserve(actor=self.office, purpose="x", year=2024)
        Contact.objects.create(org=self.county_org, module="notices", name="甲", email="a@x.example")
        Reminder.objects.create(
            source="s",
            kind="k",
            offset=1,
            channel="sms",
            address="1",
            subject="s",
            text="t",
            send_on=timezone.localdate(),
        )
        pages = [
            (self.office, "/notices/?per_page=100"),
            (self.county, "/notices/?per_page=100"),
            (self.office, "/notices/numbers/?per_page=100"),
            (self.stranger, "/notices/contacts/?per_page=100"),
            (self.office, "/notices/reminders/?per_page=100"),
        ]
        before = [self.count(user, url) for user, url in pages]
        grow()
        after = [self.count(user, url) for user, url in pages]
        self.assertEqual(after, before)


class NoticeApiTestCase(BaseTestCase):
    def api(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_it_refuses_a_notice_to_no_one_with_a_structured_error_and_stores_nothing(self):
        answer = self.api(self.office).post(
            "/api/v1/notices/", {"title": "无人接收", "body": "正文"}, format="json"
        )
        self.assertEqual(answer.status_code, 400)
        error = answer.json()["error"]
        self.assertEqual(error["code"], "invalid")
        self.assertIn("请至少选择一个接收单位", error["fields"]["recipients"][0])
        self.assertFalse(Notice.objects.exists())

    def test_it_sends_signs_answers_and_urges_through_the_api(self):
        deadline = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
        sent = self.api(self.office).post(
            "/api/v1/notices/",
            {
                "title": "API 通知",
                "body": "正文",
                "to_targets": True,
                "requires_receipt": True,
                "receipt_deadline": deadline,
                "receipt_fields": ["联系人"],
            },
            format="json",
        )
        self.assertEqual(sent.status_code, 201)
        pk = sent.json()["id"]
        self.assertEqual(len(sent.json()["recipients"]), 2)
        county = self.api(self.county)
        self.assertEqual(county.post(f"/api/v1/notices/{pk}/sign/").status_code, 200)
        missing = county.post(f"/api/v1/notices/{pk}/receipt/", {"answers": {}}, format="json")
        self.assertEqual(missing.status_code, 400)
        self.assertIn("联系人", missing.json()["error"]["fields"]["answers"][0])
        done = county.post(f"/api/v1/notices/{pk}/receipt/", {"answers": {"联系人": "王五"}}, format="json")
        self.assertEqual(done.status_code, 200)
        self.assertEqual(done.json()["recipients"][0]["receipt_answers"], {"联系人": "王五"})
        self.assertEqual(len(done.json()["recipients"]), 1)  # a unit sees its own row only
        self.assertEqual(county.post(f"/api/v1/notices/{pk}/urge/", {}, format="json").status_code, 403)
        self.assertEqual(self.api(self.assessor).get(f"/api/v1/notices/{pk}/").status_code, 404)
        urged = self.api(self.office).post(f"/api/v1/notices/{pk}/urge/", {}, format="json")
        self.assertEqual(urged.status_code, 200)
        self.assertEqual(
            dict(NoticeRecipient.objects.filter(notice_id=pk).values_list("org__code", "urge_count")),
            {"440703": 0, "440704": 1},
        )

    def test_it_refuses_a_late_receipt_through_the_api(self):
        notice = services.notice_send(
            actor=self.office,
            title="已截止",
            body="正文",
            recipients=[self.county_org],
            requires_receipt=True,
            receipt_deadline=timezone.localdate(),
        )
        Notice.objects.filter(pk=notice.pk).update(
            receipt_deadline=timezone.localdate() - datetime.timedelta(days=2)
        )
        answer = self.api(self.county).post(
            f"/api/v1/notices/{notice.pk}/receipt/", {"note": "迟到的回执"}, format="json"
        )
        self.assertEqual(answer.status_code, 400)
        self.assertIn("不接受逾期回执", answer.json()["error"]["fields"]["non_field_errors"][0])
        self.assertIsNone(NoticeRecipient.objects.get(notice=notice).receipt_at)
