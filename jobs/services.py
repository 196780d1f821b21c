"""The life of a job: start (enqueue), progress, success or failure.

A task function is written as

    @task()
    @job_task
    def my_work(job: Job) -> None:
        for i, row in enumerate(rows):
            job_progress(job.pk, i + 1, len(rows), "正在处理…")
        job_succeeded(job.pk, "处理完成", result={...})

and started from a view or command with `job_start(actor=…, kind=…, title=…, task=my_work)`.
Progress written inside a transaction becomes visible when it commits, so long
all-or-nothing work validates (reporting progress) before it opens its transaction.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from attachments.storing import DISK_FULL_MESSAGE, file_store
from audit.services import audit_record
from jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """Raise from a job function to end it as failed with a message for the user."""

    def __init__(self, message: str, *, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result or {}


def _file_name(job_id: Any, role: str, ext: str) -> str:
    return f"jobs/{timezone.localdate():%Y/%m}/{uuid.UUID(str(job_id)).hex}-{role}.{ext}"


def job_start(
    *,
    actor: Any,
    kind: str,
    title: str,
    task: Any,
    params: dict[str, Any] | None = None,
    input_file: File | None = None,
    input_name: str = "",
    input_ext: str = "bin",
) -> Job:
    """Create the job (audited) and hand it to the task queue; returns at once."""
    with transaction.atomic():
        job = Job(owner=actor, kind=kind, title=title, params=params or {}, input_name=input_name)
        if input_file is not None:
            # A full disk raises ValidationError (磁盘空间不足，文件未保存) and no job is created.
            job.input_file.name = file_store(_file_name(job.pk, "input", input_ext), input_file)
        job.save(force_insert=True)
        audit_record(
            actor=actor,
            action="jobs.job.created",
            target=job,
            data={"kind": kind, "title": title, "input_name": input_name},
        )
    try:
        result = task.enqueue(str(job.pk))
    except Exception as exc:  # the queue itself is unavailable
        logger.exception("could not enqueue job %s", job.pk)
        job_failed(job.pk, f"任务无法加入队列：{exc}")
    else:
        Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_progress(job_id: Any, current: int, total: int, message: str = "") -> None:
    """Report progress from inside a task function (cheap: one UPDATE)."""
    fields: dict[str, Any] = {
        "progress_current": max(0, int(current)),
        "progress_total": max(0, int(total)),
        "status": JobStatus.RUNNING,
    }
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job_id).exclude(status__in=(JobStatus.SUCCEEDED, JobStatus.FAILED)).update(**fields)


def _finish(
    job_id: Any,
    status: str,
    message: str,
    result: dict[str, Any] | None,
    result_file: tuple[bytes, str] | None,
) -> None:
    fields: dict[str, Any] = {"status": status, "message": message[:500], "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
    if result_file is not None:
        content, name = result_file
        ext = name.rsplit(".", 1)[-1] if "." in name else "bin"
        try:
            fields["result_file"] = file_store(_file_name(job_id, "result", ext), ContentFile(content))
            fields["result_name"] = name
        except ValidationError:  # disk full: the job failed, and says why
            fields.update(status=JobStatus.FAILED, message=DISK_FULL_MESSAGE)
    Job.objects.filter(pk=job_id).update(**fields)


def job_succeeded(
    job_id: Any,
    message: str,
    *,
    result: dict[str, Any] | None = None,
    result_file: tuple[bytes, str] | None = None,
) -> None:
    """End a job as succeeded; `result_file` is (content, download name)."""
    _finish(job_id, JobStatus.SUCCEEDED, message, result, result_file)
    Job.objects.filter(pk=job_id, progress_total__gt=0).update(progress_current=F("progress_total"))


def job_failed(
    job_id: Any,
    message: str,
    *,
    result: dict[str, Any] | None = None,
    result_file: tuple[bytes, str] | None = None,
) -> None:
    _finish(job_id, JobStatus.FAILED, message, result, result_file)


def job_task(fn: Callable[[Job], None]) -> Callable[[str], None]:
    """Wrap a task function taking the Job: marks it running, then succeeded or failed.

    An unexpected exception fails the job with a generic Chinese message (the
    traceback goes to the log) instead of leaving it "running" forever."""

    @functools.wraps(fn)
    def run(job_id: str) -> None:
        job = Job.objects.select_related("owner").filter(pk=job_id).first()
        if job is None or job.done:
            return
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
        try:
            fn(job)
        except JobFailed as exc:
            job_failed(job.pk, exc.message, result=exc.result)
            return
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            job_failed(job.pk, "任务执行时发生系统错误，已记录日志，请联系系统管理员。")
            return
        if not Job.objects.filter(pk=job.pk, status__in=(JobStatus.SUCCEEDED, JobStatus.FAILED)).exists():
            job_succeeded(job.pk, "已完成")

    return run
