from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from attachments.detection import KINDS


class Attachment(models.Model):
    """An uploaded file. Stored under a generated name (`attachments/YYYY/MM/<uuid>.<ext>`),
    never the user's, so names cannot collide, traverse or reveal anything."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField("文件", max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    kind = models.CharField("类型", max_length=16)
    content_type = models.CharField("内容类型", max_length=120)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="所属单位", on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "original_name"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name

    @property
    def previewable(self) -> bool:
        kind = KINDS.get(self.kind)
        return bool(kind and kind.previewable)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def kind_label(self) -> str:
        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind
