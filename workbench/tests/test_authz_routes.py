"""Authorization coverage by construction: every URL and API route of every app has a
line in the matrix (authz_matrix.py) or a reasoned exemption, and every line holds —
each persona gets its status, and whoever is refused writes nothing."""

from __future__ import annotations

from django.conf import settings
from django.test import Client, SimpleTestCase, override_settings
from django.urls import reverse

from fazhi.testing import BaseTestCase
from workbench.tests import authz_world
from workbench.tests.authz import PERSONAS, Entry, MatrixRunner, coverage_problems, expect, page
from workbench.tests.authz_matrix import (
    ACCOUNTABILITY,
    ASSESSMENTS_RESULTS,
    ASSESSMENTS_SETUP,
    ASSESSMENTS_WORK,
    EXEMPT,
    EXPERTS,
    MATRIX,
    NOTICES,
    PERFORMANCE,
    PLATFORM,
    PROBLEMS,
    PROVINCIAL,
    SELECTIONS,
)

# The matrix sends a few hundred API calls per persona in a minute; the limits have
# their own tests (api/tests/test_throttling.py).
UNTHROTTLED = {
    **settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "token": "100000/min"},
}
EXTRA_URLS = "workbench.tests.authz_extra_urls"


class RouteCoverageTestCase(SimpleTestCase):
    def test_it_has_a_line_for_every_route(self):
        problems = coverage_problems(MATRIX, EXEMPT)
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    @override_settings(ROOT_URLCONF=EXTRA_URLS)
    def test_it_names_a_page_and_an_api_route_added_without_a_line(self):
        self.assertEqual(
            coverage_problems(MATRIX, EXEMPT),
            [
                "reports:secret (/reports/secret/): no entry in the authorization matrix",
                "/api/v1/secrets/ (/api/v1/secrets/): no entry in the authorization matrix",
                "/api/v1/secrets/{pk}/ (/api/v1/secrets/{pk}/): no entry in the authorization matrix",
            ],
        )

    @override_settings(ROOT_URLCONF=EXTRA_URLS)
    def test_it_asks_for_each_method_an_api_route_and_a_page_handle(self):
        lines = [
            page("reports:secret", get=expect({"office"})),
            Entry("/api/v1/secrets/", tables={"GET": expect({"office"})}),
            Entry("/api/v1/secrets/{pk}/", tables={"GET": expect({"office"})}),
        ]
        self.assertEqual(
            coverage_problems([*MATRIX, *lines], EXEMPT),
            [
                "reports:secret (/reports/secret/): no POST expectations in the authorization matrix",
                "/api/v1/secrets/{pk}/ (/api/v1/secrets/{pk}/): no DELETE expectations in the authorization matrix",
            ],
        )

    def test_it_names_a_line_whose_route_is_gone(self):
        gone = page("assessments:score_delete", lambda s: [1], get=expect({"office"}))
        self.assertEqual(
            coverage_problems([*MATRIX, gone], EXEMPT),
            ["assessments:score_delete: in the authorization matrix but not a route"],
        )


@override_settings(REST_FRAMEWORK=UNTHROTTLED)
class AuthorizationMatrixTestCase(BaseTestCase):
    world: object
    files: dict[str, bytes]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.world = authz_world.build(cls)
        cls.files = authz_world.stored_files()

    def setUp(self) -> None:
        authz_world.restore_files(self.files)
        clients = {}
        for name in PERSONAS:
            clients[name] = Client()
            if name != "anonymous":
                clients[name].force_login(getattr(self, name))
        self.runner = MatrixRunner(clients, reverse("accounts:login"))

    def assert_holds(self, lines: list[Entry]) -> None:
        for line in lines:
            self.runner.run(line, self.world.own, self.world.other)  # type: ignore[attr-defined]
        if self.runner.failures:
            self.fail(
                f"{len(self.runner.failures)} of {self.runner.requests} requests:\n"
                + "\n".join(self.runner.failures)
            )

    def test_it_holds_for_the_platform(self):
        self.assert_holds(PLATFORM)

    def test_it_holds_for_performance(self):
        self.assert_holds(PERFORMANCE)

    def test_it_holds_for_provincial(self):
        self.assert_holds(PROVINCIAL)

    def test_it_holds_for_assessment_frameworks_campaigns_and_duties(self):
        self.assert_holds(ASSESSMENTS_SETUP)

    def test_it_holds_for_self_assessment_and_scoring(self):
        self.assert_holds(ASSESSMENTS_WORK)

    def test_it_holds_for_results_appeals_and_rectification(self):
        self.assert_holds(ASSESSMENTS_RESULTS)

    def test_it_holds_for_the_expert_pool(self):
        self.assert_holds(EXPERTS)

    def test_it_holds_for_selections_and_the_public_huimin_pages(self):
        self.assert_holds(SELECTIONS)

    def test_it_holds_for_shu_ping_du_kao_ze(self):
        self.assert_holds(ACCOUNTABILITY)

    def test_it_holds_for_notices_numbers_contacts_reminders_and_printing(self):
        self.assert_holds(NOTICES)

    def test_it_holds_for_the_problem_tracker_and_its_campaigns(self):
        self.assert_holds(PROBLEMS)


class MatrixRunnerTestCase(BaseTestCase):
    """The runner itself can fail: a wrong status, and a refusal that wrote anyway."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        authz_world.add_reviewers(cls)

    @override_settings(ROOT_URLCONF=EXTRA_URLS)
    def test_it_reports_a_status_other_than_the_line_says_naming_the_route(self):
        runner = self.runner()
        runner.run(page("reports:secret", get=expect({"office"}), post=expect({"office"})), None, None)
        self.assertIn("reports:secret GET /reports/secret/ as county: expected 404, got 200", runner.failures)

    @override_settings(ROOT_URLCONF=EXTRA_URLS)
    def test_it_reports_a_refusal_that_wrote_to_the_database(self):
        runner = self.runner()
        runner.run(
            page("reports:secret", both=expect(set(PERSONAS) - {"anonymous"}, stranger=403)), None, None
        )
        self.assertEqual(
            runner.failures,
            [
                "reports:secret POST /reports/secret/ as stranger: refused (403) but wrote"
                " INSERT audit_auditentry, INSERT audit_audithead, UPDATE audit_audithead"
            ],
        )

    def runner(self) -> MatrixRunner:
        clients = {name: Client() for name in PERSONAS}
        for name, client in clients.items():
            if name != "anonymous":
                client.force_login(getattr(self, name))
        return MatrixRunner(clients, reverse("accounts:login"))
