"""Functions that decide stay small: ruff's mccabe check (C901, at most 12)
over the whole app, with no `noqa` for it (#8 item 5)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from unittest import TestCase

APP = Path(__file__).resolve().parents[1]
MARK = "noqa: " + "C901"  # not written out, or this file would find itself


class ComplexityTestCase(TestCase):
    def test_it_keeps_every_function_of_the_app_under_the_complexity_limit(self):
        ruff = Path(sys.executable).with_name("ruff")
        result = subprocess.run(
            [str(ruff), "check", "--isolated", "--select", "C901", "--config",
             "lint.mccabe.max-complexity=12", "--output-format", "concise", str(APP)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_it_has_no_noqa_for_complexity(self):
        marked = [
            f"{path.relative_to(APP)}:{n}"
            for path in APP.rglob("*.py")
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if MARK in line
        ]
        self.assertEqual(marked, [])
