from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Append-only: the database refuses UPDATE and DELETE (see migration)."""

    seq = models.PositiveBigIntegerField("序号", unique=True)
    created_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=100, db_index=True)
    target_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    target_id = models.CharField("对象ID", max_length=64, blank=True, db_index=True)
    target_repr = models.CharField("对象", max_length=255, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    data = models.JSONField("详情", null=True, blank=True)
    ip = models.CharField("来源地址", max_length=64, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # HMAC of seq and hash under the key kept outside the database; NULL only
    # for entries written before it existed (sealed by the first anchor). NULL
    # rather than a default so SQLite adds the column without rebuilding the
    # table, which would drop the append-only triggers.
    mac = models.CharField("校验码", max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def content(self) -> dict[str, Any]:
        """What the hash covers."""
        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_repr": self.target_repr,
            "before": self.before,
            "after": self.after,
            "data": self.data,
            "ip": self.ip,
            "user_agent": self.user_agent,
        }


class AuditHead(models.Model):
    """One row: the newest entry's seq and hash, so a removed tail is detected."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"#{self.seq}"
