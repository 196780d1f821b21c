from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """A piece of long work run by the task queue, with progress its owner can watch."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="jobs"
    )
    kind = models.CharField("类型", max_length=60, db_index=True)
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_current = models.PositiveIntegerField("已完成", default=0)
    progress_total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=500, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    input_file = models.FileField("输入文件", max_length=255, blank=True)
    input_name = models.CharField("输入文件名", max_length=255, blank=True)
    result_file = models.FileField("结果文件", max_length=255, blank=True)
    result_name = models.CharField("结果文件名", max_length=255, blank=True)
    result_attachment = models.ForeignKey(
        "attachments.Attachment",
        verbose_name="结果附件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"

    def __str__(self) -> str:
        return self.title

    @property
    def done(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return max(0, min(100, int(self.progress_current * 100 / self.progress_total)))

    @property
    def percent_step(self) -> int:
        """The percentage rounded down to 5, for the CSS class that sets the bar's width (no inline styles)."""
        return self.percent // 5 * 5

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class WorkerHeartbeat(models.Model):
    """A task worker (`fazhi db_worker`) saying it is alive; a running job whose worker stopped
    saying so was interrupted (the process was killed, the machine restarted)."""

    worker_id = models.CharField("进程编号", max_length=64, primary_key=True)
    host = models.CharField("主机", max_length=255, blank=True)
    pid = models.PositiveIntegerField("进程号", default=0)
    started_at = models.DateTimeField("启动时间", default=timezone.now)
    seen_at = models.DateTimeField("最近心跳", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "任务进程心跳"
        verbose_name_plural = "任务进程心跳"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
