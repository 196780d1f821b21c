from __future__ import annotations

import json
import tempfile
import unittest
from decimal import Decimal
from pathlib import Path

from performance.engine import RuleSetError, available_rule_sets, load_rule_set


class RuleSetTestCase(unittest.TestCase):
    def test_it_cites_the_source_of_the_default_rule_set(self):
        rules = load_rule_set()
        self.assertEqual(rules.name, "cz2020")
        self.assertIn("财预〔2020〕10号", rules.source)
        self.assertEqual(rules.budget_weight, 10)
        self.assertEqual(rules.level1_weights, {"产出": 50, "效益": 30, "满意度": 10})

    def test_it_lets_a_rule_set_extend_another(self):
        rules = load_rule_set("reverse-ratio")
        self.assertEqual(rules.reverse_formula, "ratio")
        self.assertEqual(rules.level1_weights, load_rule_set().level1_weights)
        self.assertIn("reverse-ratio", available_rule_sets())

    def test_it_names_the_choices_for_an_unknown_rule_set(self):
        with self.assertRaises(RuleSetError) as ctx:
            load_rule_set("guangdong-1999")
        self.assertIn("cz2020", str(ctx.exception))

    def test_it_takes_no_path_for_a_rule_set_name(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "province.json"
            path.write_text(
                json.dumps({"name": "province", "extends": "cz2020", "title": "SECRET-MARKER"}),
                encoding="utf-8",
            )
            installed = Path(__file__).resolve().parents[1] / "engine" / "rulesets" / "cz2020.json"
            for name in (
                str(path),
                f"{tmp}/../{Path(tmp).name}/province.json",
                "../../etc/passwd",
                "/etc/passwd",
                str(installed),
                "rulesets/cz2020",
                "cz2020.json",
                "cz2020/../cz2020",
                "..",
            ):
                with self.assertRaises(RuleSetError, msg=name) as ctx:
                    load_rule_set(name)
                self.assertIn("未知的评分规则", str(ctx.exception))
                self.assertNotIn("SECRET-MARKER", str(ctx.exception))

    def test_it_grades_at_the_boundaries(self):
        rules = load_rule_set()
        cases = {"90": "优", "89.99": "良", "80": "良", "79.99": "中", "60": "中", "59.99": "差", "0": "差"}
        for total, grade in cases.items():
            self.assertEqual(rules.grade(Decimal(total)), grade, total)

    def test_it_maps_level1_names(self):
        rules = load_rule_set()
        self.assertEqual(rules.level1_key("产出指标"), "产出")
        self.assertEqual(rules.level1_key("满意度"), "满意度")
        self.assertIsNone(rules.level1_key("成本指标"))

    def test_it_reads_the_band_a_qualitative_actual_names(self):
        rules = load_rule_set()
        self.assertEqual(rules.band_for("未达成年度指标且效果较差").min, Decimal("0"))
        self.assertEqual(rules.band_for("部分达成年度指标并具有一定效果").min, Decimal("0.6"))
        self.assertEqual(rules.band_for("达成年度指标（获评优秀等次）").min, Decimal("0.8"))
        self.assertEqual(rules.band_for("未完成").min, Decimal("0"))
        self.assertIsNone(rules.band_for("获评优秀等次"))


class PurityTestCase(unittest.TestCase):
    def test_it_scores_and_reads_tables_without_django(self):
        import subprocess
        import sys

        code = (
            "import sys, performance.engine, performance.standard_table; "
            "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        )
        self.assertEqual(result.returncode, 0, result.stderr)
