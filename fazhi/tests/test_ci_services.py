"""`make test-postgres` in CI fails when PostgreSQL or Redis cannot be reached, and
only skips (with the reason) outside CI. The script is run for real, against a port
nothing listens on and a stand-in listener, with `env` as the "suite"."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

from django.test import SimpleTestCase

from fazhi.lib.ports import free_port as closed_port  # released: nothing listens there

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "with-services.sh"


class WithServicesTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.addCleanup(self.listener.close)
        self.up = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.down = f"127.0.0.1:{closed_port()}"

    def run_suite(self, pg: str, redis: str, *, ci: str | None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "DATABASE_URL", "REDIS_URL")}
        if ci is not None:
            env["CI"] = ci
        return subprocess.run(
            ["bash", str(SCRIPT), f"postgres://u@{pg}/fazhi_x", f"redis://{redis}/1", "--", "env"],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )

    def test_it_fails_in_ci_when_postgres_cannot_be_reached(self):
        for ci in ("true", "1"):
            result = self.run_suite(self.down, self.up, ci=ci)
            self.assertEqual(result.returncode, 1)
            self.assertIn(f"错误：PostgreSQL 无法连接（{self.down}）", result.stderr)
            self.assertNotIn("DATABASE_URL=", result.stdout)  # the suite never ran
            self.assertNotIn("SKIPPED", result.stdout)

    def test_it_fails_in_ci_when_redis_cannot_be_reached(self):
        result = self.run_suite(self.up, self.down, ci="true")
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"错误：Redis 无法连接（{self.down}）", result.stderr)
        self.assertNotIn("DATABASE_URL=", result.stdout)

    def test_it_skips_postgres_outside_ci_and_says_why(self):
        result = self.run_suite(self.down, self.up, ci=None)
        self.assertEqual(result.returncode, 0)
        self.assertIn(f"SKIPPED: PostgreSQL 未在 {self.down} 运行", result.stdout)
        self.assertNotIn("DATABASE_URL=", result.stdout)

    def test_it_runs_the_suite_on_both_services_or_on_memory_cache_outside_ci(self):
        result = self.run_suite(self.up, self.up, ci="true")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"DATABASE_URL=postgres://u@{self.up}/fazhi_x\n", result.stdout)
        self.assertIn(f"REDIS_URL=redis://{self.up}/1\n", result.stdout)
        result = self.run_suite(self.up, self.down, ci=None)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("注意：Redis 未在", result.stdout)
        self.assertIn("REDIS_URL=\n", result.stdout)

    def test_it_is_what_make_test_postgres_runs(self):
        result = subprocess.run(
            ["make", "-n", "--no-print-directory", "test-postgres"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("bash scripts/services.sh", result.stdout)
        self.assertIn('bash scripts/with-services.sh "postgres://', result.stdout)
        self.assertNotIn("SKIPPED", result.stdout)
