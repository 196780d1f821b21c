"""A database connection dropped mid-request: a clear 503 and nothing half-written.

The failure is injected at the cursor (connection.execute_wrapper): the write's
first statement (the domain row) goes through, the second (its audit entry)
fails as a dropped connection would; the service's transaction must take the
first one back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEntry
from fazhi.testing import BaseTestCase
from orgs.models import Org
from performance.models import BudgetProject


def fail_on_audit_insert(error: type[Exception]) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith("INSERT") and AuditEntry._meta.db_table in sql:
            raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


class DatabaseDroppedTestCase(BaseTestCase):
    def project_form(self) -> dict[str, str]:
        return {
            "year": "2024",
            "name": "法治宣传",
            "implementing_unit": "",
            "funding_source": "当年财政拨款",
            "budget_initial": "100,000",
            "budget_adjusted": "100000",
            "budget_executed": "",
            "rule_set": "cz2020",
            "org": str(self.sfj.pk),
        }

    def test_it_answers_a_page_with_a_chinese_503_and_rolls_back_the_first_write(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.office)
        audits = AuditEntry.objects.count()
        with connection.execute_wrapper(fail_on_audit_insert(OperationalError)):
            response = client.post(
                reverse("performance:project_create"), self.project_form(), HTTP_X_REQUEST_ID="req-7f3a"
            )
        self.assertEqual(response.status_code, 503)
        body = response.content.decode()
        self.assertIn("数据库连接中断", body)
        self.assertIn("未保存任何内容", body)
        self.assertIn("req-7f3a", body)
        self.assertFalse(BudgetProject.objects.filter(name="法治宣传").exists())
        self.assertEqual(AuditEntry.objects.count(), audits)

    def test_it_answers_the_api_with_structured_json_and_rolls_back(self):
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(self.sysadmin)
        payload = {"code": "440705", "name": "新会区", "type": "county", "parent": self.city.pk}
        with connection.execute_wrapper(fail_on_audit_insert(InterfaceError)):
            response = client.post("/api/v1/orgs/", payload, format="json", HTTP_X_REQUEST_ID="req-9")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(
            response.json()["error"],
            {
                "code": "database_unavailable",
                "message": response.json()["error"]["message"],
                "request_id": "req-9",
            },
        )
        self.assertIn("数据库连接中断", response.json()["error"]["message"])
        self.assertFalse(Org.objects.filter(code="440705").exists())
        # Once the connection is back, the same request goes through.
        self.assertEqual(client.post("/api/v1/orgs/", payload, format="json").status_code, 201)

    def test_it_answers_a_failure_outside_the_views_with_the_same_503(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.office)

        def fail_on_session(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
        ) -> Any:
            if "django_session" in sql:
                raise OperationalError("connection refused")
            return execute(sql, params, many, context)

        with connection.execute_wrapper(fail_on_session):
            response = client.get(reverse("workbench:home"))
        self.assertEqual(response.status_code, 503)
        self.assertIn("数据库暂时不可用", response.content.decode())
