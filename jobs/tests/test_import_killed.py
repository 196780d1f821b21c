"""An import killed with SIGKILL halfway leaves nothing half-written.

The user import (jobs/user_import.py, run by the task worker `fazhi db_worker`)
is given a large workbook and its worker is killed -9 at several points of its
run: before, during and after the reading, the validation and the writing.
After each kill the database holds every user of that workbook or none of
them, never a part. The 迎检 framework import (provincial.services.framework_import)
is killed the same way, run by `fazhi shell -c`. The kill points are fractions of the measured time of an
uninterrupted run, so the test does not depend on the machine's speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from attachments.tests import samples
from fazhi.tests.processes import copy_of, fazhi_run, fazhi_start, kill9, migrated_template, query, wait_for

ROWS = 1200
FRACTIONS = (0.15, 0.35, 0.55, 0.7, 0.85, 0.95)
WORKER = ("db_worker", "--interval", "0.1", "--no-startup-delay")
SETTINGS = {"FAZHI_WORKER_HEARTBEAT_SECONDS": "1", "FAZHI_WORKER_STALE_SECONDS": "3"}

ENQUEUE = """
import os
from django.core.files import File
from accounts.models import User
from jobs import tasks
from jobs.services import job_start
with open(os.environ["IMPORT_WORKBOOK"], "rb") as fh:
    job = job_start(actor=User.objects.get(username="sysadmin"), kind="accounts.user_import",
                    title=os.environ["IMPORT_TITLE"], task=tasks.import_users, input_file=File(fh, name="u.xlsx"),
                    input_name="u.xlsx", input_ext="xlsx")
print(job.pk)
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("imports")
    return copy_of(migrated_template(tmp), tmp / "data")


def enqueue_import(data: Path, prefix: str) -> None:
    workbook = data.parent / f"{prefix}.xlsx"
    header = ["用户名", "姓名", "单位代码", "角色代码", "电话"]
    rows = [[f"{prefix}{i:05d}", f"导入{i}", "440700-SFJ", "assessor", ""] for i in range(ROWS)]
    workbook.write_bytes(samples.xlsx([header, *rows]))
    done = fazhi_run(data, "shell", "-c", ENQUEUE, IMPORT_WORKBOOK=str(workbook), IMPORT_TITLE=prefix)
    assert done.returncode == 0, done.stderr


def imported(data: Path, prefix: str) -> int:
    return int(query(data, "SELECT COUNT(*) FROM accounts_user WHERE username LIKE ?", (f"{prefix}%",))[0][0])


def test_it_leaves_every_user_or_none_whenever_the_worker_is_killed(data: Path) -> None:
    # The whole run, uninterrupted: its length sets the kill points, and it shows "everything" is reachable.
    enqueue_import(data, "full")
    started = time.monotonic()
    worker = fazhi_start(data, *WORKER, **SETTINGS)
    try:
        wait_for(lambda: imported(data, "full") == ROWS, timeout=240, what="the uninterrupted import")
        length = time.monotonic() - started
    finally:
        kill9(worker)

    outcomes = []
    for n, fraction in enumerate(FRACTIONS):
        prefix = f"k{n}x"
        enqueue_import(data, prefix)
        worker = fazhi_start(data, *WORKER, **SETTINGS)
        time.sleep(length * fraction)
        kill9(worker)
        count = imported(data, prefix)
        assert count in (0, ROWS), f"killed at {fraction:.0%} of the run: {count} of {ROWS} users written"
        outcomes.append(count)
    # Nothing stays half-done on the job's side either: the next worker reports the killed jobs failed.
    worker = fazhi_start(data, *WORKER, **SETTINGS)
    try:
        wait_for(
            lambda: not query(data, "SELECT 1 FROM jobs_job WHERE status IN ('queued', 'running')"),
            timeout=60,
            what="every killed job to be reported",
        )
    finally:
        kill9(worker)
    # A job the kill caught before it was claimed has run since; none is "done" without its users.
    for n in range(len(outcomes)):
        ((status,),) = query(data, "SELECT status FROM jobs_job WHERE title = ?", (f"k{n}x",))
        final = imported(data, f"k{n}x")
        assert final in (0, ROWS)
        assert status in ("succeeded", "failed")
        if final == 0:
            assert status == "failed", (n, status)


FRAMEWORK_IMPORT = """
import os
from pathlib import Path
from accounts.models import User
from provincial.services import framework_import
framework_import(actor=User.objects.get(username="office"), year=int(os.environ["IMPORT_YEAR"]),
                 name="法治广东建设考评指标体系", content=Path(os.environ["IMPORT_WORKBOOK"]).read_bytes())
"""
INDICATORS = 4000


def framework_rows(data: Path, year: int) -> tuple[int, int]:
    frameworks = query(data, "SELECT id FROM provincial_provincialframework WHERE year = ?", (year,))
    if not frameworks:
        return 0, 0
    ((count,),) = query(
        data,
        "SELECT COUNT(*) FROM provincial_provincialindicator WHERE framework_id = ?",
        (frameworks[0][0],),
    )
    return len(frameworks), int(count)


def test_it_leaves_the_whole_迎检_framework_or_none_whenever_its_import_is_killed(data: Path) -> None:
    from provincial.tests.factories import xlsx

    workbook = data.parent / "framework.xlsx"
    rows = [
        [f"{n // 100 + 1}.{n % 100 + 1}", f"板块{n // 100}", f"指标{n}", 1, "扣1分", "材料"]
        for n in range(INDICATORS)
    ]
    workbook.write_bytes(xlsx(rows))
    started = time.monotonic()
    done = fazhi_run(data, "shell", "-c", FRAMEWORK_IMPORT, IMPORT_WORKBOOK=str(workbook), IMPORT_YEAR="2030")
    length = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert framework_rows(data, 2030) == (1, INDICATORS)

    for n, fraction in enumerate(FRACTIONS):
        year = 2031 + n
        process = fazhi_start(
            data, "shell", "-c", FRAMEWORK_IMPORT, IMPORT_WORKBOOK=str(workbook), IMPORT_YEAR=str(year)
        )
        time.sleep(length * fraction)
        kill9(process)
        assert framework_rows(data, year) in ((0, 0), (1, INDICATORS)), f"killed at {fraction:.0%}"
