"""A task worker killed with SIGKILL mid-job: the job is reported failed (任务执行中断), never silently done.

Real processes: a worker runs a job that never ends, is killed -9, and the next
worker to start (or a live one, on its next heartbeat) marks the job failed."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from fazhi.tests.processes import copy_of, fazhi_run, fazhi_start, kill9, migrated_template, query, wait_for

FAST_BEATS = {"FAZHI_WORKER_HEARTBEAT_SECONDS": "1", "FAZHI_WORKER_STALE_SECONDS": "3"}

ENQUEUE = """
from accounts.models import User
from jobs.services import job_start
from jobs.tests.slow_tasks import run_until_killed
job = job_start(actor=User.objects.get(username="office"), kind="test.slow", title="慢任务", task=run_until_killed)
print(job.pk)
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("worker"))


def job_row(data: Path, job_id: str) -> tuple[str, int, str]:
    rows = query(data, "SELECT status, progress_current, message FROM jobs_job WHERE id = ?", (job_id,))
    return rows[0]


def test_it_fails_the_job_of_a_killed_worker_with_the_reason_when_the_next_worker_starts(
    template: Path, tmp_path: Path
) -> None:
    data = copy_of(template, tmp_path / "data")
    started = fazhi_run(data, "shell", "-c", ENQUEUE)
    assert started.returncode == 0, started.stderr
    job_id = uuid.UUID(started.stdout.strip().splitlines()[-1]).hex

    worker = fazhi_start(data, "db_worker", "--interval", "0.2", "--no-startup-delay", **FAST_BEATS)
    try:
        wait_for(lambda: job_row(data, job_id)[:2] == ("running", 1), timeout=90, what="the job to run")
    finally:
        kill9(worker)
    # Killed: nothing on its own would ever finish the job.
    assert job_row(data, job_id)[0] == "running"

    successor = fazhi_start(data, "db_worker", "--interval", "0.2", "--no-startup-delay", **FAST_BEATS)
    try:
        status, _, message = wait_for(
            lambda: job_row(data, job_id)[0] != "running" and job_row(data, job_id),
            timeout=90,
            what="the interrupted job to be reported",
        )
    finally:
        kill9(successor)
    assert status == "failed"
    assert message.startswith("任务执行中断")
    task_status = query(
        data,
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
        (query(data, "SELECT task_id FROM jobs_job WHERE id = ?", (job_id,))[0][0].replace("-", ""),),
    )
    assert task_status == [("FAILED",)]
