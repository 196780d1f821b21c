"""The OpenAPI schema is generated without a warning: every enum has a name of its own
(SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]), every view is described."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase


class SchemaWarningsTestCase(SimpleTestCase):
    def test_the_schema_is_generated_without_warnings_and_names_its_enums(self):
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "openapi.yaml"
            # --fail-on-warn: a warning (an enum collision, an undescribed view) fails the command
            call_command("spectacular", "--fail-on-warn", "--file", str(target), verbosity=0)
            schema = target.read_text(encoding="utf-8")
        for name in ("ScoreStatusEnum:", "ProblemStateEnum:", "CampaignPhaseEnum:", "FindingSeverityEnum:"):
            self.assertIn(name, schema)
        self.assertNotRegex(schema, r"\b(Status|State|Phase|Severity|Source)[0-9a-f]{3}Enum\b")
