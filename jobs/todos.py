from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from jobs.models import Job, JobStatus
from workbench.nav import Todo


def job_todos(user: Any) -> Iterator[Todo]:
    """Jobs still running, and jobs that failed in the last day (one query)."""
    since = timezone.now() - timedelta(days=1)
    jobs = Job.objects.filter(
        owner_id=user.pk,
        created_at__gte=since,
        status__in=(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED),
    )[:5]
    for job in jobs:
        failed = job.status == JobStatus.FAILED
        yield Todo(
            f"后台任务{'失败' if failed else '进行中'}：{job.title}",
            reverse("jobs:detail", args=[job.pk]),
            "我的任务",
            detail=job.message,
            urgent=failed,
        )
