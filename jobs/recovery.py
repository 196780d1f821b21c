"""Jobs whose worker died: reported failed, never left "running" or shown as done.

A worker (`fazhi db_worker`, jobs/management/commands/db_worker.py) writes a
heartbeat every FAZHI_WORKER_HEARTBEAT_SECONDS. A job whose task is running on
a worker that has not been heard from for FAZHI_WORKER_STALE_SECONDS was
interrupted (SIGKILL, out of memory, a restart): it is marked failed with
INTERRUPTED_MESSAGE, which the user sees on the job's page. It is not re-queued:
the imports write all-or-nothing (so an interrupted import wrote nothing, unless
it was killed between its commit and its "done"), and the user starts it again
knowingly rather than have a job run twice behind their back.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import Job, JobStatus, WorkerHeartbeat

logger = logging.getLogger(__name__)

INTERRUPTED_MESSAGE = (
    "任务执行中断：执行该任务的后台进程已停止（如服务器重启或进程被终止），任务未完成。"
    "导入在一个事务中写入，要么全部写入、要么没有写入任何内容；请核对后重新发起。"
)


class InterruptedTask(Exception):
    """Recorded on the queue's own row of an interrupted task."""


def live_worker_ids(*, now: datetime | None = None) -> set[str]:
    since = (now or timezone.now()) - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return set(WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list("worker_id", flat=True))


def heartbeat(*, worker_id: str, host: str, pid: int) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id[:64], defaults={"host": host[:255], "pid": pid, "seen_at": timezone.now()}
    )


def jobs_recover_interrupted() -> list[Job]:
    """Fail every unfinished job whose running task's worker is no longer alive; returns them."""
    live = live_worker_ids()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    dead = {str(r.pk): r for r in running if not r.worker_ids or r.worker_ids[-1] not in live}
    if not dead:
        return []
    unfinished = (JobStatus.QUEUED, JobStatus.RUNNING)
    jobs = list(Job.objects.filter(task_id__in=dead, status__in=unfinished))
    for job in jobs:
        # Only while still unfinished: a job that ended meanwhile keeps its own outcome.
        Job.objects.filter(pk=job.pk, status__in=unfinished).update(
            status=JobStatus.FAILED, message=INTERRUPTED_MESSAGE, finished_at=timezone.now()
        )
        logger.warning("job %s (%s) interrupted: its worker stopped; marked failed", job.pk, job.kind)
    for result in dead.values():
        result.set_failed(InterruptedTask(INTERRUPTED_MESSAGE))
    return jobs
