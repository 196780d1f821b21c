"""`fazhi problems stats --json` and `fazhi problems import`, through the CLI's guard."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from fazhi import cli
from problems.models import Problem
from problems.tests.base import ProblemsTestCase
from problems.tests.test_views import workbook


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["problems", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


class ProblemsCommandTestCase(ProblemsTestCase):
    def test_it_prints_total_counts_by_state_and_unit_and_overdue_as_json(self):
        self.walk(self.register(title="甲"), "assign", "sign")
        late = self.walk(self.register(org=self.gaj, title="乙"), "assign")
        Problem.objects.filter(pk=late.pk).update(deadline="2020-01-01")
        self.walk(self.register(org=self.gaj, title="丙"), "dismiss")
        code, out, _ = run("stats", "--json")
        self.assertEqual(code, 0)
        data = json.loads(out)
        self.assertEqual(data["total"], 3)
        self.assertEqual(data["overdue"], 1)
        self.assertEqual(data["by_unit"], {"蓬江区": 1, "江门市公安局": 2})
        self.assertEqual(
            {s: n for s, n in data["by_state"].items() if n}, {"signed": 1, "assigned": 1, "dismissed": 1}
        )
        self.assertEqual(
            set(data["by_state"]),
            {
                "registered",
                "assigned",
                "returned",
                "signed",
                "verified",
                "rectifying",
                "rectified",
                "accepted",
                "closed",
                "dismissed",
            },
        )
        self.assertEqual(data["closure_rate"], 0.0)
        code, out, _ = run("stats", "--json", "--org", "440703")
        self.assertEqual(json.loads(out)["total"], 1)
        code, out, _ = run("stats")
        self.assertIn("问题总数 3", out)

    def test_it_exits_2_on_bad_input(self):
        code, out, _ = run("stats", "--json", "--year", "二〇二三")
        self.assertEqual((code, json.loads(out)["error"]["code"]), (2, "invalid_year"))
        code, _, err = run("stats", "--org", "NOPE")
        self.assertEqual(code, 2)
        self.assertIn("没有机构代码为“NOPE”的单位", err)
        code, _, err = run("stats", "--campaign", "99999")
        self.assertEqual(code, 2)
        code, _, err = run("frobnicate")
        self.assertEqual(code, 2)

    def test_it_imports_all_or_nothing_from_the_command_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = Path(tmp) / "bad.xlsx"
            bad.write_bytes(workbook([["x", "", "火星区", "", "", "", "", "", ""]]))
            code, out, _ = run("import", str(bad), "--as", "office", "--json")
            self.assertEqual(code, 2)
            error = json.loads(out)["error"]
            self.assertEqual(
                (error["code"], error["problems"][0]["row"], error["problems"][0]["column"]),
                ("import_failed", 3, "责任单位"),
            )
            self.assertFalse(Problem.objects.exists())
            good = Path(tmp) / "good.xlsx"
            good.write_bytes(workbook([["违规查车", "", "蓬江区", "", "12345", "", "", "", ""]]))
            code, _, err = run("import", str(good), "--as", "pengjiang")
            self.assertEqual(code, 2)
            self.assertIn("依法治办账号", err)
            code, out, _ = run("import", str(good), "--as", "office", "--json")
            self.assertEqual((code, json.loads(out)["imported"]), (0, 1))
            code, _, err = run("import", str(Path(tmp) / "missing.xlsx"), "--as", "office")
            self.assertEqual(code, 2)
