"""The register of 发文字号: in order, no gaps, no duplicates — also under parallel requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.test import SimpleTestCase
from django.urls import reverse
from rest_framework.test import APIClient

from assessments import publication_docs
from assessments.services import publication as pub
from assessments.tests.fixtures import ResultsTestCase
from assessments.tests.test_publication_documents import docx_text
from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from notices import numbers
from notices.models import DocumentNumber, NumberStatus

ROOT = Path(__file__).resolve().parents[2]


class NumberRegisterTestCase(BaseTestCase):
    def test_it_numbers_each_prefix_and_year_in_order_from_one(self):
        texts = [
            numbers.number_reserve(actor=self.office, purpose=f"文件{i}", year=2024).text for i in range(3)
        ]
        self.assertEqual(texts, ["江依法治办〔2024〕1号", "江依法治办〔2024〕2号", "江依法治办〔2024〕3号"])
        self.assertEqual(
            numbers.number_reserve(actor=self.office, purpose="次年", year=2025).text, "江依法治办〔2025〕1号"
        )
        self.assertEqual(
            numbers.number_reserve(actor=self.office, purpose="司法局", prefix="江司", year=2024).text,
            "江司〔2024〕1号",
        )

    def test_it_gives_a_document_the_same_number_every_time(self):
        first = numbers.number_for(target=self.county_org, purpose="测试文件", year=2024)
        again = numbers.number_for(target=self.county_org, purpose="测试文件", year=2024)
        other = numbers.number_for(target=self.stranger_org, purpose="测试文件", year=2024)
        self.assertEqual(first.pk, again.pk)
        self.assertEqual((first.number, other.number), (1, 2))

    def test_it_keeps_a_voided_number_in_the_register_and_never_gives_it_again(self):
        one = numbers.number_reserve(actor=self.office, purpose="作废的", year=2024)
        numbers.number_void(actor=self.office, number=one, reason="文件撤销")
        two = numbers.number_reserve(actor=self.office, purpose="下一个", year=2024)
        self.assertEqual(two.number, 2)
        page = self.client_for(self.office).get(reverse("notices:number_list"))
        self.assertContains(page, "江依法治办〔2024〕1号")
        self.assertContains(page, "文件撤销")
        self.assertEqual(
            list(DocumentNumber.objects.values_list("number", "status")),
            [(1, NumberStatus.VOIDED), (2, NumberStatus.RESERVED)],
        )

    def test_it_gives_back_the_number_of_a_document_that_was_not_written(self):
        from django.core.exceptions import ValidationError

        from notices import services

        with self.assertRaises(ValidationError):
            services.notice_send(actor=self.office, title="无人接收", body="正文", recipients=[])
        notice = services.notice_send(
            actor=self.office, title="有人接收", body="正文", recipients=[self.county_org]
        )
        self.assertTrue(notice.doc_number.endswith("〕1号"))

    def test_it_reserves_uses_and_voids_numbers_from_the_register_page(self):
        client = self.client_for(self.office)
        response = client.post(
            reverse("notices:number_reserve"),
            {"agency": "江依法治办", "year": 2026, "purpose": "关于印发考评办法的通知"},
        )
        self.assertRedirects(response, reverse("notices:number_list"))
        number = DocumentNumber.objects.get()
        client.post(
            reverse("notices:number_use", args=[number.pk]), {"note": "江依法治办〔2026〕1号 考评办法"}
        )
        number.refresh_from_db()
        self.assertEqual(number.status, NumberStatus.USED)
        client.post(reverse("notices:number_void", args=[number.pk]), {"reason": "印发前撤回"})
        number.refresh_from_db()
        self.assertEqual((number.status, number.void_reason), (NumberStatus.VOIDED, "印发前撤回"))
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue(
            {"notices.number.reserved", "notices.number.used", "notices.number.voided"} <= actions
        )

    def test_it_explains_a_bad_prefix_and_takes_no_number(self):
        response = self.client_for(self.office).post(
            reverse("notices:number_reserve"), {"agency": "江〔2024〕", "year": 2026, "purpose": "x"}
        )
        self.assertContains(response, "不合规范", status_code=400)
        self.assertFalse(DocumentNumber.objects.exists())

    def test_it_keeps_the_register_from_everyone_but_the_office(self):
        number = numbers.number_reserve(actor=self.office, purpose="x", year=2024)
        for user in (self.county, self.assessor, self.sysadmin, self.auditadmin):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                self.assertEqual(client.get(reverse("notices:number_list")).status_code, 404)
                self.assertEqual(
                    client.post(
                        reverse("notices:number_void", args=[number.pk]), {"reason": "x"}
                    ).status_code,
                    404,
                )
        number.refresh_from_db()
        self.assertEqual(number.status, NumberStatus.RESERVED)

    def test_it_answers_the_api_with_structured_errors(self):
        api = APIClient()
        api.force_authenticate(self.office)
        ok = api.post("/api/v1/notices/numbers/", {"purpose": "API 取号", "year": 2024}, format="json")
        self.assertEqual(ok.status_code, 201)
        self.assertEqual(ok.json()["text"], "江依法治办〔2024〕1号")
        bad = api.post("/api/v1/notices/numbers/", {"purpose": "", "year": 2024}, format="json")
        self.assertEqual(bad.status_code, 400)
        self.assertIn("purpose", bad.json()["error"]["fields"])
        void = api.post(f"/api/v1/notices/numbers/{ok.json()['id']}/void/", {}, format="json")
        self.assertEqual(void.status_code, 400)
        self.assertIn("reason", void.json()["error"]["fields"])
        api.force_authenticate(self.county)
        self.assertEqual(api.get("/api/v1/notices/numbers/").status_code, 403)


class PublishedDocumentNumberTestCase(ResultsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.publication = pub.campaign_publish(actor=cls.office, campaign=cls.campaign)

    def test_it_numbers_the_tongbao_and_each_feedback_from_the_register(self):
        numbers.number_reserve(
            actor=self.office, purpose="另一份文件", year=2024
        )  # the 通报 is not number 1 by id
        paragraphs, _ = docx_text(publication_docs.notice_docx(self.publication))
        self.assertIn("江依法治办〔2024〕2号", paragraphs)
        again, _ = docx_text(publication_docs.notice_docx(self.publication))
        self.assertIn("江依法治办〔2024〕2号", again)
        feedback, _ = docx_text(publication_docs.feedback_docx(self.publication, "440704"))
        self.assertIn("江依法治办〔2024〕3号", feedback)
        register = {n.purpose: n.text for n in DocumentNumber.objects.filter(status=NumberStatus.USED)}
        self.assertEqual(
            register,
            {"考评结果通报": "江依法治办〔2024〕2号", "考评结果反馈（江海区）": "江依法治办〔2024〕3号"},
        )


class ParallelNumbersTestCase(SimpleTestCase):
    """Parallel requests in separate processes, each with its own connection and
    transaction, against a scratch database: a SQLite file here, or — when the
    suite runs on PostgreSQL — a scratch PostgreSQL database of its own."""

    WORKERS, EACH = 6, 5

    def scratch_database(self) -> tuple[str, object]:
        db = connection.settings_dict
        if connection.vendor != "postgresql":
            return "", None
        import psycopg

        name = f"{db['NAME']}_race_{uuid.uuid4().hex[:8]}"[:63]
        params = {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
        }
        params["password"] = db.get("PASSWORD") or None
        admin = psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v})
        admin.execute(f'CREATE DATABASE "{name}"')
        auth = quote(db.get("USER") or "postgres") + (
            f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
        )
        url = f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"

        def drop() -> None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

        return url, drop

    def test_it_gives_parallel_requests_consecutive_numbers_and_no_duplicate(self):
        url, drop = self.scratch_database()
        try:
            with tempfile.TemporaryDirectory() as data_dir:
                env = {**os.environ, "FAZHI_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "fazhi.settings"}
                env.pop("DATABASE_URL", None)
                if url:
                    env["DATABASE_URL"] = url
                env["FAZHI_AUDIT_KEY"] = str(settings.AUDIT_KEY)
                done = subprocess.run(
                    [sys.executable, "-m", "notices.tests.number_race", str(self.WORKERS), str(self.EACH)],
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
        finally:
            if drop:
                drop()  # type: ignore[operator]
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        result = json.loads(done.stdout.strip().splitlines()[-1])
        total = self.WORKERS * self.EACH
        self.assertEqual(result["errors"], [])
        self.assertEqual(result["exit_codes"], [0] * self.WORKERS)
        self.assertEqual(len(result["taken"]), total)
        self.assertEqual(len(set(result["taken"])), total, "a number was given twice")
        self.assertEqual(result["register"], list(range(1, total + 1)), "numbers are not consecutive")
        self.assertEqual(set(result["taken"]), {f"江依法治办〔2024〕{n}号" for n in range(1, total + 1)})
