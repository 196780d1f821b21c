"""Saving an uploaded file when the disk may be full: all of it, or nothing and a clear message.

A storage that runs out of space (ENOSPC, or the quota: EDQUOT) while writing
leaves the part it wrote; `file_store` removes it and raises a ValidationError
with DISK_FULL_MESSAGE, which every upload form and API already shows like any
other refusal. Every service that stores an upload saves through it."""

from __future__ import annotations

import errno
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

logger = logging.getLogger("fazhi.faults")

DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL_MESSAGE = "磁盘空间不足，文件未保存。请联系系统管理员清理空间后重新上传。"


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS


def file_store(name: str, content: Any) -> str:
    """`default_storage.save(name, content)`; on a full disk nothing stays and ValidationError says so.

    `name` must be new (the callers generate it from a fresh UUID), so whatever is
    found under it after the failure is the partial write."""
    try:
        return default_storage.save(name, content)
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        logger.error("disk full while storing %s: %s", name, exc)
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
        except OSError:
            logger.exception("could not remove the partial file %s", name)
        raise ValidationError(DISK_FULL_MESSAGE, code="disk_full") from exc
