"""The shape of the app's code: functions that decide stay small (ruff's
mccabe check, C901 at most 12, with no `noqa` for it), and statuses, kinds and
phases are compared through their TextChoices, never as string literals."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from unittest import TestCase

APP = Path(__file__).resolve().parents[1]
MARK = "noqa: " + "C901"  # not written out, or this file would find itself
# values of the app's TextChoices ("feedback" is left out: it is also a kind of published document)
CHOICE_VALUES = "|".join(
    [
        *("draft", "submitted", "approved", "returned", "answered", "decided", "upheld", "changed"),
        *("locked", "open", "done", "deduct", "add", "grade", "veto", "bonus", "enter", "review"),
        *("scoring", "appeal", "reopen", "self_assess", "published"),
    ]
)
# `x.status == "approved"`, `status="open"`, `kind in ("deduct", "add")` and the like
LITERAL = re.compile(
    rf"""(?:==|!=|\b(?:status|kind|method|phase|source|decision|duty)=)\s*["'](?:{CHOICE_VALUES})["']"""
    rf"""|\bin \(\s*["'](?:{CHOICE_VALUES})["']"""
)


def _code_files() -> list[Path]:
    return [
        p
        for p in APP.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and p.name != "scoring.py"
    ]


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

    def test_it_compares_statuses_kinds_and_phases_through_their_choices(self):
        found = [
            f"{path.relative_to(APP)}:{n}: {line.strip()}"
            for path in _code_files()
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if LITERAL.search(line)
        ]
        self.assertEqual(found, [])

    def test_it_names_审核_and_审定_apart(self):
        from assessments.models import Duty, Phase

        self.assertEqual((Duty.REVIEW.label, Phase.FINAL_REVIEW.label), ("审核", "审定"))
        self.assertEqual(Phase.FINAL_REVIEW.value, "review")  # stored and served as before
        self.assertFalse(hasattr(Phase, "REVIEW"))


class WhereThingsAreTestCase(TestCase):
    """The README's "Where things are — assessments" names, for each rule, one
    function that exists."""

    def test_it_points_each_rule_at_a_function_that_exists(self):
        import importlib

        readme = (APP.parent / "README.md").read_text(encoding="utf-8")
        section = readme.split("### Where things are — assessments", 1)[1].split("\n## ", 1)[0]
        named = re.findall(r"`([\w/]+)\.py: ([\w`, /]+?)`", section)
        self.assertGreaterEqual(len(named), 15)
        missing = [
            f"{path}.py: {name}"
            for path, names in named
            for name in re.split(r"[,/ `]+", names)
            if name and not hasattr(importlib.import_module("assessments." + path.replace("/", ".")), name)
        ]
        self.assertEqual(missing, [])
        for rule in (
            "审核",
            "负面清单",
            "一票否决",
            "tie-break",
            "优秀",
            "appeal window",
            "reopen",
            "two-person",
        ):
            self.assertIn(rule, section)
