from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from django.test import SimpleTestCase
from openpyxl import load_workbook
from pypdf import PdfReader

from fazhi import cli
from performance.engine import score_evaluation
from performance.standard_table import read_table, write_table
from performance.tests.engine_helpers import seed_evaluation
from performance.tests.test_engine_inputs import seed_json


def run(*args: str) -> tuple[int, str, str]:
    """`fazhi selfeval ARGS…` in this process, through the CLI's guard."""
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["selfeval", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


class SelfevalCliTestCase(SimpleTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        ev = seed_evaluation()
        self.xlsx = self.dir / "自评表.xlsx"
        self.xlsx.write_bytes(write_table(ev, score_evaluation(ev)))
        payload = seed_json(
            narrative={
                "input": "{年度}年度部门预算安排财政资金{全年预算数}元。结合本部门工作职责设置了绩效目标。",
                "process": "根据工作开展实际情况，全年度实际支出{全年执行数}元。",
                "practices": "（一）关于统筹开展法治建设考评的有关工作\n一是认真谋划考评迎检工作。",
            }
        )
        self.json = self.dir / "seed.json"
        self.json.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    def tearDown(self):
        self.tmp.cleanup()

    def test_it_scores_the_seed_table_as_json(self):
        code, out, _ = run("score", str(self.xlsx), "--json")
        self.assertEqual(code, 0)
        data = json.loads(out)
        self.assertEqual(
            (data["execution_rate"], data["execution_score"], data["max_total"], data["declared_total"]),
            (50.12, 5.01, 95.01, 97),
        )
        self.assertEqual(data["total"], 92.01)
        self.assertEqual(data["grade"], "优")
        self.assertIn("TOTAL_ABOVE_MAX", [f["code"] for f in data["findings"]])
        self.assertEqual(
            set(data["indicators"][0]) >= {"name", "weight", "declared_score", "score", "findings"}, True
        )

    def test_it_scores_the_json_form_with_another_rule_set(self):
        code, out, _ = run("score", str(self.json), "--rules", "reverse-ratio", "--json")
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out)["rule_set"], "reverse-ratio")

    def test_it_prints_a_chinese_summary_without_json(self):
        code, out, _ = run("score", str(self.xlsx))
        self.assertEqual(code, 0)
        self.assertIn("预算执行率 50.12%，执行率得分 5.01 分", out)
        self.assertIn("核算总分 92.01 分（最高 95.01 分）", out)

    def test_it_exits_2_naming_the_row_and_field_of_bad_input(self):
        payload = seed_json()
        payload["budget"].pop("executed")
        payload["indicators"][1]["weight"] = "二十"
        bad = self.dir / "bad.json"
        bad.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        code, out, _ = run("score", str(bad), "--json")
        self.assertEqual(code, 2)
        error = json.loads(out)["error"]
        self.assertIn("全年执行数未填写", error["message"])
        self.assertEqual({p["field"] for p in error["problems"]}, {"budget.executed", "indicators[1].weight"})
        self.assertEqual([p["row"] for p in error["problems"] if p["field"] == "indicators[1].weight"], [2])

    def test_it_exits_2_on_a_bad_table_with_row_and_column(self):
        ev = seed_evaluation(budget_executed=None)
        bad = self.dir / "bad.xlsx"
        bad.write_bytes(write_table(ev))
        code, out, _ = run("score", str(bad), "--json")
        self.assertEqual(code, 2)
        problem = json.loads(out)["error"]["problems"][0]
        self.assertEqual((problem["row"], problem["column"]), (6, "F"))

    def test_it_exits_2_on_junk_missing_files_and_unknown_rules(self):
        junk = self.dir / "junk.xlsx"
        junk.write_bytes(os.urandom(10 * 1024 * 1024))
        for args in (
            ("score", str(junk), "--json"),
            ("score", str(self.dir / "none.xlsx"), "--json"),
            ("score", str(self.xlsx), "--rules", "nope", "--json"),
            ("score", str(self.dir / "x.csv"), "--json"),
        ):
            code, out, _ = run(*args)
            self.assertEqual(code, 2, args)
            self.assertIn("error", json.loads(out))
        code, out, err = run("score", str(junk))
        self.assertEqual((code, out), (2, ""))
        self.assertIn("不是 Excel", err)

    def test_it_writes_the_report_as_docx(self):
        out_path = self.dir / "报告.docx"
        code, out, _ = run("report", str(self.json), "-o", str(out_path))
        self.assertEqual(code, 0, out)
        document = docx.Document(str(out_path))
        texts = [p.text for p in document.paragraphs]
        for heading in (
            "一、项目概况",
            "（一）项目立项背景和依据",
            "（二）项目完成情况",
            "二、项目组织实施情况",
            "（一）投入",
            "（二）过程",
            "三、项目绩效情况",
            "（一）目标设置情况",
            "（二）绩效完成情况",
            "四、项目主要做法和经验",
            "五、存在问题及建议",
            "六、项目自评结论及得分",
            "（一）关于统筹开展法治建设考评的有关工作",
        ):
            self.assertIn(heading, texts)
        body = "\n".join(texts)
        for figure in (
            "2023年度部门预算安排财政资金698,000元",
            "全年度实际支出349,845元",
            "50.12%",
            "自评得分为97分",
            "1、依法治市咨询专家库专家人数≥12人",
            "合计92.01分",
            "最高可得95.01分",
        ):
            self.assertIn(figure, body)
        self.assertNotIn("{", body)
        table = document.tables[0]
        names = [row.cells[2].text for row in table.rows[7:-1]]
        self.assertEqual(names, [i["name"] for i in seed_json()["indicators"]])
        self.assertEqual([row.cells[6].text for row in table.rows[7:-1]], ["20", "20", "20", "14", "13"])
        self.assertEqual(table.rows[-1].cells[6].text, "97")

    def test_it_writes_the_report_as_pdf(self):
        out_path = self.dir / "报告.pdf"
        code, out, _ = run("report", str(self.xlsx), "-o", str(out_path), "--json")
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out)["output"], str(out_path))
        text = re.sub(
            r"\s+",
            "",
            subprocess.run(
                ["pdftotext", str(out_path), "-"], capture_output=True, check=True
            ).stdout.decode(),
        )
        for part in (
            "一、项目概况",
            "六、项目自评结论及得分",
            "698,000元",
            "349,845元",
            "50.12%",
            "项目支出绩效自评表",
        ):
            self.assertIn(part, text)
        self.assertGreaterEqual(len(PdfReader(str(out_path)).pages), 3)

    def test_it_refuses_a_report_of_an_unknown_type(self):
        code, out, _ = run("report", str(self.xlsx), "-o", str(self.dir / "r.txt"), "--json")
        self.assertEqual(code, 2)
        self.assertEqual(json.loads(out)["error"]["field"], "-o")

    def test_it_exports_the_standard_table(self):
        out_path = self.dir / "导出.xlsx"
        code, _, _ = run("export", str(self.json), "-o", str(out_path))
        self.assertEqual(code, 0)
        ev, _ = read_table(out_path.read_bytes())
        self.assertEqual([i.name for i in ev.indicators], [i["name"] for i in seed_json()["indicators"]])
        ws = load_workbook(out_path).active
        self.assertEqual(ws["A1"].value, "项目支出绩效自评表")

    def test_it_runs_as_a_separate_process_without_a_traceback(self):
        env = {**os.environ, "FAZHI_DATA_DIR": tempfile.mkdtemp()}
        fazhi = Path(sys.executable).with_name("fazhi")
        good = subprocess.run(
            [str(fazhi), "selfeval", "score", str(self.xlsx), "--json"],
            capture_output=True,
            env=env,
            check=False,
        )
        self.assertEqual(good.returncode, 0, good.stderr)
        self.assertEqual(json.loads(good.stdout)["execution_score"], 5.01)
        corrupt = self.dir / "corrupt.xlsx"
        corrupt.write_bytes(self.xlsx.read_bytes()[:2000])
        bad = subprocess.run(
            [str(fazhi), "selfeval", "score", str(corrupt), "--json"],
            capture_output=True,
            env=env,
            check=False,
        )
        self.assertEqual(bad.returncode, 2)
        self.assertNotIn(b"Traceback", bad.stdout + bad.stderr)
        self.assertIn("无法读取", json.loads(bad.stdout)["error"]["message"])
