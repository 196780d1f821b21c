"""`fazhi campaign import-history FILE [--dry-run] [--json]`: past years'
published results from the command line — all or nothing, exit 2 with every
problem named by row and column, never a traceback."""

from __future__ import annotations

import io
import json
import tempfile
from decimal import Decimal as D
from pathlib import Path

from assessments.models import ImportedResult
from assessments.services import history
from assessments.tests.fixtures import ResultsTestCase, xlsx
from assessments.tests.test_history_import import good_rows
from audit.models import AuditEntry
from fazhi import cli


class HistoryCommandTestCase(ResultsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def file(self, rows: list[list], name: str = "历年结果.xlsx") -> str:
        path = Path(self.dir.name) / name
        path.write_bytes(xlsx(rows, history.HEADERS))
        return str(path)

    def run_cli(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(["campaign", "import-history", *args], stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    def test_it_checks_a_file_without_saving_on_dry_run(self):
        code, out, _ = self.run_cli(self.file(good_rows()), "--dry-run", "--json")
        self.assertEqual(code, 0)
        body = json.loads(out)
        self.assertEqual(
            (body["dry_run"], body["saved"], body["years"]), (True, False, {"2020": 2, "2021": 2})
        )
        self.assertEqual(
            body["rows"][1],
            {"year": 2021, "code": "440704", "target": "江海区", "total": "86", "grade": "良好", "rank": 2},
        )
        self.assertFalse(ImportedResult.objects.exists())
        code, out, _ = self.run_cli(self.file(good_rows()), "--dry-run")
        self.assertEqual(
            (code, out.strip()), (0, "检查无误（未保存）：2020 年度 2 个单位、2021 年度 2 个单位。")
        )

    def test_it_imports_the_file_and_audits(self):
        code, out, _ = self.run_cli(self.file(good_rows()))
        self.assertEqual((code, out.strip()), (0, "已导入：2020 年度 2 个单位、2021 年度 2 个单位。"))
        self.assertEqual(
            sorted(ImportedResult.objects.values_list("year", "target__code", "total", "rank")),
            [
                (2020, "440703", D("80.00"), 2),
                (2020, "440704", D("88.25"), 1),
                (2021, "440703", D("91.50"), 1),
                (2021, "440704", D("86.00"), 2),
            ],
        )
        self.assertEqual(set(ImportedResult.objects.values_list("source", flat=True)), {"历年结果.xlsx"})
        entry = AuditEntry.objects.get(action="assessments.history.imported")
        self.assertIsNone(entry.actor_id)

    def test_it_exits_2_naming_each_bad_cell_and_saves_nothing(self):
        rows = [*good_rows(), [2021, "999999", "", "九十", "良好", 3]]
        code, out, err = self.run_cli(self.file(rows), "--json")
        self.assertEqual(code, 2)
        error = json.loads(out)["error"]
        self.assertEqual(error["code"], "invalid_file")
        self.assertEqual(error["message"], "文件有 2 处错误，未导入任何数据。")
        self.assertEqual(
            [p["message"] for p in error["problems"]],
            [
                "第 6 行，D 列「总分」：总分「九十」不是数字。",
                "第 6 行，B 列「单位代码」：「999999」不是被考评单位（可填写机构代码、全称或简称）。",
            ],
        )
        self.assertIn("第 6 行，D 列「总分」", err)
        self.assertNotIn("Traceback", err)
        self.assertFalse(ImportedResult.objects.exists())

    def test_it_exits_2_on_a_missing_or_unreadable_file(self):
        code, _, err = self.run_cli(str(Path(self.dir.name) / "无此文件.xlsx"))
        self.assertEqual(code, 2)
        self.assertIn("找不到文件", err)
        bad = Path(self.dir.name) / "不是表格.xlsx"
        bad.write_bytes(b"not a workbook")
        code, out, err = self.run_cli(str(bad), "--json")
        self.assertEqual(code, 2)
        self.assertEqual(json.loads(out)["error"]["code"], "invalid_file")
        self.assertNotIn("Traceback", err)
        self.assertFalse(ImportedResult.objects.exists())
