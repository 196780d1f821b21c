"""A task that runs until it is killed: the worker-killed test's job (tests only)."""

from __future__ import annotations

import time

from django_tasks import task

from jobs.models import Job
from jobs.services import job_progress, job_task


@task()
@job_task
def run_until_killed(job: Job) -> None:
    job_progress(job.pk, 1, 100, "正在处理…")
    time.sleep(600)
