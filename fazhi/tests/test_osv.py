"""`make audit`: which pins an OSV advisory affects (versions listed, ranges with fixed or
last_affected, PEP 503 names, withdrawn advisories), and the command's exit codes with a
database on disk, without one, and with a vulnerable pin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from tempfile import TemporaryDirectory

from django.test import SimpleTestCase

from fazhi.lib import osv
from fazhi.tests.test_ci_services import closed_port

ROOT = Path(__file__).resolve().parents[2]


def advisory(ident: str, ecosystem: str, name: str, *, versions=(), events=(), withdrawn=None) -> dict:
    entry: dict = {"package": {"ecosystem": ecosystem, "name": name}, "versions": list(versions)}
    if events:
        entry["ranges"] = [
            {"type": "ECOSYSTEM" if ecosystem == osv.PYPI else "SEMVER", "events": list(events)}
        ]
    data = {"id": ident, "summary": f"{ident} summary", "affected": [entry]}
    if withdrawn:
        data["withdrawn"] = withdrawn
    return data


class OsvMatchTestCase(SimpleTestCase):
    def test_it_reads_the_pins_of_the_lock_files(self):
        lock = "Django==5.2.8 \\\n    --hash=sha256:ab\n    # via -r requirements.in\npsycopg[binary]==3.3.9 \\\n"
        self.assertEqual(
            osv.python_pins(lock),
            [osv.Pin("PyPI", "django", "5.2.8"), osv.Pin("PyPI", "psycopg", "3.3.9")],
        )
        package_lock = {"packages": {"": {"name": "x"}, "node_modules/@popperjs/core": {"version": "2.11.8"}}}
        self.assertEqual(osv.npm_pins(package_lock), [osv.Pin("npm", "@popperjs/core", "2.11.8")])

    def test_it_matches_listed_versions_and_normalised_names(self):
        pin = osv.Pin("PyPI", "django-axes", "8.0.0")
        self.assertTrue(osv.affects(advisory("A", "PyPI", "Django_Axes", versions=["8.0.0"]), pin)[0])
        self.assertFalse(osv.affects(advisory("A", "PyPI", "django-axes", versions=["8.0.1"]), pin)[0])
        self.assertFalse(osv.affects(advisory("A", "npm", "django-axes", versions=["8.0.0"]), pin)[0])

    def test_it_matches_ranges_with_fixed_and_last_affected(self):
        fixed = advisory("F", "PyPI", "django", events=[{"introduced": "5.2"}, {"fixed": "5.2.9"}])
        self.assertEqual(osv.affects(fixed, osv.Pin("PyPI", "django", "5.2.8")), (True, ("5.2.9",)))
        self.assertFalse(osv.affects(fixed, osv.Pin("PyPI", "django", "5.2.9"))[0])
        self.assertFalse(osv.affects(fixed, osv.Pin("PyPI", "django", "5.1.10"))[0])
        last = advisory("L", "npm", "echarts", events=[{"introduced": "0"}, {"last_affected": "5.4.0"}])
        self.assertTrue(osv.affects(last, osv.Pin("npm", "echarts", "5.4.0"))[0])
        self.assertFalse(osv.affects(last, osv.Pin("npm", "echarts", "6.1.0"))[0])
        # a pre-release comes before its release (semver): 6.0.0-rc.1 < 6.0.0
        pre = advisory("P", "npm", "htmx.org", events=[{"introduced": "0"}, {"fixed": "6.0.0"}])
        self.assertTrue(osv.affects(pre, osv.Pin("npm", "htmx.org", "6.0.0-rc.1"))[0])

    def test_it_skips_withdrawn_advisories(self):
        pins = [osv.Pin("PyPI", "django", "5.2.8")]
        listed = [advisory("W", "PyPI", "django", versions=["5.2.8"], withdrawn="2026-01-01T00:00:00Z")]
        self.assertEqual(osv.findings(pins, listed), [])
        listed.append(advisory("V", "PyPI", "django", versions=["5.2.8"]))
        self.assertEqual([f.advisory for f in osv.findings(pins, listed)], ["V"])


class AuditCommandTestCase(SimpleTestCase):
    def run_audit(self, osv_dir: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, FAZHI_OSV_DIR=osv_dir, FAZHI_OSV_URL=f"http://127.0.0.1:{closed_port()}")
        return subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "audit_deps.py"), "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    def write_db(self, folder: Path, ecosystem: str, advisories: list[dict]) -> None:
        with zipfile.ZipFile(folder / f"{ecosystem}-all.zip", "w") as archive:
            for item in advisories:
                archive.writestr(f"{item['id']}.json", json.dumps(item))

    def test_it_says_it_could_not_check_without_a_database(self):
        with TemporaryDirectory() as folder:
            result = self.run_audit(folder)
        self.assertEqual(result.returncode, 3, result.stderr)
        report = json.loads(result.stdout)
        self.assertEqual(report["checked"], [])
        self.assertEqual(sorted(report["unchecked"]), ["PyPI", "npm"])
        self.assertIn("无法检查", report["databases"][0])

    def test_it_uses_the_cached_database_and_lists_a_vulnerable_pin(self):
        django = next(
            p for p in osv.python_pins((ROOT / "requirements.lock").read_text()) if p.name == "django"
        )
        with TemporaryDirectory() as folder:
            self.write_db(
                Path(folder), "PyPI", [advisory("GHSA-test", "PyPI", "Django", versions=[django.version])]
            )
            self.write_db(Path(folder), "npm", [advisory("GHSA-old", "npm", "bootstrap", versions=["3.0.0"])])
            result = self.run_audit(folder)
            self.assertEqual(result.returncode, 1, result.stderr)
            report = json.loads(result.stdout)
            self.assertEqual(sorted(report["checked"]), ["PyPI", "npm"])
            self.assertEqual(
                [(f["package"], f["advisory"]) for f in report["findings"]], [("django", "GHSA-test")]
            )
            self.assertIn("缓存", report["databases"][0])
            # the same database without the matching advisory: clean
            self.write_db(Path(folder), "PyPI", [advisory("GHSA-other", "PyPI", "django", versions=["1.0"])])
            self.assertEqual(self.run_audit(folder).returncode, 0)
