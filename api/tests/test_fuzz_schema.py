"""schemathesis over the whole OpenAPI schema (/api/v1/openapi.json), in-process through
the WSGI app, with every role's API token: no answer is a 5xx, and every answer matches
what the schema declares for it (status code, content type, body).

Each operation gets valid requests and requests the schema forbids (negative mode: those
must be a 4xx). Bounded and repeatable: FUZZ_EXAMPLES examples per operation (`FAZHI_FUZZ_EXAMPLES`
to run more locally), a derandomized seed. Each example draws a role and, for a path
with parameters, often the ids of a real object of the authorization world
(workbench/tests/authz_world.py), so the fuzz reaches past the 404. Each call runs in a
savepoint that is rolled back: a DELETE or a token rotation does not change what the
next example sees.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Any

import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import token_rotate
from fazhi.testing import BaseTestCase
from fazhi.wsgi import application
from workbench.tests import authz_world
from workbench.tests.authz import PERSONAS
from workbench.tests.authz_matrix import MATRIX

FUZZ_EXAMPLES = int(os.environ.get("FAZHI_FUZZ_EXAMPLES", "4"))
ROLES = tuple(name for name in PERSONAS if name != "anonymous")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
UNTHROTTLED = {
    **settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "token": "100000/min"},
}
_PARAM = re.compile(r"\{[^}]+\}")


def _template(path: str) -> str:
    return _PARAM.sub("{}", path)


def known_path_parameters(world: Any) -> dict[str, list[list[Any]]]:
    """Per path template, the parameter values (in order) of the objects the matrix requests."""
    known: dict[str, list[list[Any]]] = {}
    for entry in MATRIX:
        if not entry.is_api or entry.args is None:
            continue
        for side in (world.own, world.other):
            values = list(entry.args(side).values())
            bucket = known.setdefault(_template(entry.route), [])
            if values not in bucket:
                bucket.append(values)
    return known


@override_settings(REST_FRAMEWORK=UNTHROTTLED)
class ApiSchemaFuzzTestCase(BaseTestCase):
    answered: Counter[tuple[str, int]]
    world: Any
    files: dict[str, bytes]
    keys: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.world = authz_world.build(cls)
        cls.files = authz_world.stored_files()
        cls.keys = {name: token_rotate(actor=getattr(cls, name))[1] for name in ROLES}

    def setUp(self) -> None:
        authz_world.restore_files(self.files)
        # As Django's test client does: the test's transaction is not the request's to close.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        self.addCleanup(request_started.connect, close_old_connections)
        self.addCleanup(request_finished.connect, close_old_connections)

    def test_it_answers_every_operation_as_every_role_without_a_server_error_or_a_schema_violation(self):
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        known = known_path_parameters(self.world)
        failures: dict[str, str] = {}
        self.answered = Counter()  # (role, status class) of every call
        operations = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            self._fuzz(operation, known.get(_template(operation.path), []), failures)
        self.assertGreater(operations, 50)
        # Every role called, and got past authentication into real answers: a fuzz of 401s proves nothing.
        self.assertEqual({role for role, _ in self.answered}, set(ROLES))
        # At least one real (2xx) answer for every two operations: most operations are reached by some
        # role with a real object (many are another party's step, a 403/409 by design, hence not one each).
        self.assertGreater(sum(n for (_, status), n in self.answered.items() if status == 2), operations // 2)
        report = "\n\n".join(f"{key}\n{detail}" for key, detail in sorted(failures.items()))
        self.assertFalse(failures, f"{len(failures)} failures:\n{report}")

    def _fuzz(self, operation: Any, known: list[list[Any]], failures: dict[str, str]) -> None:
        names = [p.name for p in operation.path_parameters]

        @hypothesis_settings(
            max_examples=FUZZ_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            # Valid requests and, as often, requests the schema forbids (must be a 4xx, never a 5xx).
            case=operation.as_strategy(GenerationMode.POSITIVE)
            | operation.as_strategy(GenerationMode.NEGATIVE),
            role=st.sampled_from(ROLES),
            ids=st.sampled_from([None, *known]) if known else st.none(),
        )
        def run(case: Any, role: str, ids: list[Any] | None) -> None:
            if ids is not None and len(ids) == len(names):
                case.path_parameters = dict(zip(names, ids, strict=True))
            headers = {"Authorization": f"Token {self.keys[role]}"}
            with transaction.atomic():
                response = case.call(headers=headers)
                transaction.set_rollback(True)
            self.answered[(role, response.status_code // 100)] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (AssertionError, BaseExceptionGroup) as exc:  # reported at the end, by operation
                for failure in getattr(exc, "exceptions", [exc]):
                    key = f"{operation.label}: {type(failure).__name__} {response.status_code}"
                    failures.setdefault(key, f"as {role}: {case.formatted_path}\n{failure}"[:1500])

        run()
