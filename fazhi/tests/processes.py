"""Real processes against a real SQLite file, for the fault tests (kill -9 a worker or an import).

One migrated database per test module (migrating takes ~20 s); each scenario runs on a copy."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def fazhi_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL")
    }
    env.update({"FAZHI_DATA_DIR": str(data_dir), "FAZHI_AUDIT_KEY": settings.AUDIT_KEY, **extra})
    return env


def fazhi_run(
    data_dir: Path, *args: str, timeout: float = 300, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fazhi.cli", *args],
        cwd=ROOT,
        env=fazhi_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def fazhi_start(data_dir: Path, *args: str, **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "fazhi.cli", *args],
        cwd=ROOT,
        env=fazhi_env(data_dir, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill9(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    if process.stderr:
        process.stderr.close()


def migrated_template(tmp: Path) -> Path:
    """A data dir with a migrated database and a minimal org tree and users (see SEED)."""
    template = tmp / "template"
    template.mkdir()
    done = fazhi_run(template, "migrate", "-v0")
    assert done.returncode == 0, done.stderr
    done = fazhi_run(template, "shell", "-c", SEED)
    assert done.returncode == 0, done.stderr
    return template


SEED = """
from accounts import roles
from fazhi.testing import make_org, make_user
from orgs.models import OrgType
city = make_org("440700", "江门市", OrgType.CITY)
office = make_org("440700-YFZSB", "市委依法治市办", OrgType.PARTY, city)
sfj = make_org("440700-SFJ", "江门市司法局", OrgType.DEPARTMENT, city, is_assessor=True)
make_user("office", office, roles.OFFICE)
make_user("sysadmin", sfj, roles.SYSADMIN)
"""


def copy_of(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest)
    return dest


def query(data_dir: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the subprocess's database directly (a fresh read-only connection each time)."""
    db = sqlite3.connect(f"file:{data_dir / 'fazhi.sqlite3'}?mode=ro", uri=True, timeout=20)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def wait_for(condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
