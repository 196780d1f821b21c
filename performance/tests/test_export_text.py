"""The 自评表 export (page and CLI) writes what the department typed as text."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from documents.tests.test_xlsx import HOSTILE, assert_text_cells
from fazhi.testing import BaseTestCase
from performance.models import Indicator
from performance.tests.fixtures import make_project
from performance.tests.test_cli import run
from performance.tests.test_engine_inputs import seed_json


class StandardTableExportTestCase(BaseTestCase):
    def test_it_writes_indicator_texts_as_text_in_the_page_export(self):
        project = make_project(self.sfj, goal=HOSTILE[0], goal_result=HOSTILE[2])
        first = Indicator.objects.filter(project=project).order_by("pk").first()
        Indicator.objects.filter(pk=first.pk).update(name=HOSTILE[1], deviation_reason=HOSTILE[3])
        response = self.client_for(self.office).get(f"/performance/{project.pk}/export.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(assert_text_cells(self, response.content), 4)

    def test_it_writes_indicator_texts_as_text_in_the_cli_export(self):
        payload = seed_json()
        payload["indicators"][0]["name"] = HOSTILE[0]
        payload["indicators"][1]["deviation_reason"] = HOSTILE[1]
        with tempfile.TemporaryDirectory() as tmp:
            source, out = Path(tmp) / "seed.json", Path(tmp) / "out.xlsx"
            source.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            code, _, err = run("export", str(source), "-o", str(out))
            self.assertEqual(code, 0, err)
            self.assertEqual(assert_text_cells(self, out.read_bytes()), 2)
