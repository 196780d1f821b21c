"""A rule set is picked by name from the installed ones: a path given to the
API, a form or the command line never reaches the file system, and no message
quotes a file's contents."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.urls import reverse
from rest_framework.test import APIClient

from fazhi.testing import BaseTestCase
from performance.engine.rules import RULESETS_DIR
from performance.models import BudgetProject
from performance.tests.fixtures import make_project
from performance.tests.test_cli import run
from performance.tests.test_engine_inputs import seed_json

SECRET = "SECRET-MARKER-4711"


class RuleSetNameTestCase(BaseTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        installed = json.loads((RULESETS_DIR / "cz2020.json").read_text(encoding="utf-8"))
        # A complete, valid rule set outside the installed ones (an attacker's or any file) …
        self.valid = Path(self.tmp.name) / "valid.json"
        self.valid.write_text(json.dumps({**installed, "name": "x", "title": SECRET}), encoding="utf-8")
        # … and one whose contents an error message would quote.
        self.leaky = Path(self.tmp.name) / "leaky.json"
        self.leaky.write_text(json.dumps({**installed, "budget_weight": SECRET}), encoding="utf-8")
        self.names = [str(self.valid), str(self.leaky), "../../etc/passwd", "/etc/passwd", "rulesets/cz2020"]
        self.project = make_project(self.sfj)

    def tearDown(self):
        self.tmp.cleanup()

    def api(self, user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_it_refuses_a_path_given_to_the_scoring_api(self):
        for name in self.names:
            response = self.api(self.assessor).post(
                reverse("performance-score-form") + "?" + f"rules={name}", seed_json(), format="json"
            )
            self.assertEqual(response.status_code, 400, name)
            error = response.json()["error"]
            self.assertIn("未知的评分规则", error["fields"]["rules"][0])
            self.assertNotIn(SECRET, response.content.decode())
        ok = self.api(self.assessor).post(
            reverse("performance-score-form") + "?rules=reverse-ratio", seed_json(), format="json"
        )
        self.assertEqual(ok.json()["rule_set"], "reverse-ratio")

    def test_it_refuses_a_path_as_a_projects_rule_set_in_the_api(self):
        url = reverse("performance-project-detail", args=[self.project.pk])
        for name in self.names:
            response = self.api(self.assessor).patch(
                url, {"version": self.project.version, "rule_set": name}, format="json"
            )
            self.assertEqual(response.status_code, 400, name)
            self.assertIn("未知的评分规则", response.json()["error"]["fields"]["rule_set"][0])
            self.assertNotIn(SECRET, response.content.decode())
        self.assertEqual(BudgetProject.objects.get(pk=self.project.pk).rule_set, "cz2020")

    def test_it_refuses_a_path_as_a_projects_rule_set_in_the_form(self):
        client = self.client_for(self.assessor)
        url = reverse("performance:project_edit", args=[self.project.pk])
        form = client.get(url).context["form"]
        data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
        for name in self.names:
            data.update(rule_set=name, version=str(self.project.version))
            response = client.post(url, data)
            self.assertEqual(response.status_code, 200, name)
            self.assertIn("rule_set", response.context["form"].errors)
        self.assertEqual(BudgetProject.objects.get(pk=self.project.pk).rule_set, "cz2020")

    def test_it_refuses_a_path_on_the_command_line(self):
        source = Path(self.tmp.name) / "seed.json"
        source.write_text(json.dumps(seed_json(), ensure_ascii=False), encoding="utf-8")
        for name in self.names:
            code, out, err = run("score", str(source), "--rules", name, "--json")
            self.assertEqual(code, 2, name)
            error = json.loads(out)["error"]
            self.assertEqual(error["code"], "invalid_rules")
            self.assertIn("未知的评分规则", error["message"])
            self.assertNotIn(SECRET, out + err)
