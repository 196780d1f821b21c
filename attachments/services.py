"""Writes of attachments, and the audit of who read which file."""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from attachments import detection
from attachments.models import Attachment
from attachments.storing import file_store
from audit.services import audit_record
from orgs.models import Org

FIELDS = ("original_name", "kind", "content_type", "size", "sha256", "org_id", "uploaded_by_id", "file")


def max_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB) * 1024 * 1024


def clean_filename(name: str) -> str:
    """The user's file name without any path, control characters or excess length."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C").strip()
    if len(base) > 200:
        stem, _, ext = base.rpartition(".")
        base = f"{stem[:190]}.{ext[:9]}" if stem else base[:200]
    return base or "未命名"


def measure(fileobj: Any, *, limit: int) -> tuple[int, str]:
    """Size and SHA-256 in one streaming pass; stops as soon as the limit is passed."""
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    chunks = fileobj.chunks() if hasattr(fileobj, "chunks") else iter(lambda: fileobj.read(64 * 1024), b"")
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            break
        digest.update(chunk)
    fileobj.seek(0)
    return size, digest.hexdigest()


def too_large_message(limit: int) -> str:
    return f"文件大小超过上限（最大 {limit // (1024 * 1024)} MB），请压缩或拆分后再上传。"


def attachment_create(*, actor: Any, uploaded_file: File, org: Org) -> Attachment:
    """Check the file by its content, hash it and store it under a generated name.

    Raises ValidationError (Chinese message) for an empty, oversized, disguised or
    unsupported file; nothing is stored then. Callers check who may upload where
    (`attachments.access.can_upload`)."""
    limit = max_bytes()
    original = clean_filename(getattr(uploaded_file, "name", "") or "")
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise ValidationError(too_large_message(limit), code="too_large")
    size, sha256 = measure(uploaded_file, limit=limit)
    if size > limit:
        raise ValidationError(too_large_message(limit), code="too_large")
    try:
        kind, content_type = detection.sniff(uploaded_file, original)  # type: ignore[arg-type]
    except detection.Refused as exc:
        raise ValidationError(str(exc), code="refused") from None
    pk = uuid.uuid4()
    name = f"attachments/{timezone.localdate():%Y/%m}/{pk.hex}.{kind.extension}"
    stored = file_store(name, uploaded_file)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                id=pk,
                file=stored,
                original_name=original,
                kind=kind.key,
                content_type=content_type,
                size=size,
                sha256=sha256,
                org=org,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
            audit_record(
                actor=actor,
                action="attachments.attachment.created",
                target=attachment,
                after={
                    "original_name": original,
                    "kind": kind.key,
                    "size": size,
                    "sha256": sha256,
                    "org_id": org.pk,
                    "file": stored,
                },
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return attachment


InUseCheck = Callable[[Attachment], "str | None"]
_in_use_checks: list[InUseCheck] = []


def register_in_use(check: InUseCheck) -> None:
    """A module that links attachments as submitted evidence registers a check
    returning why a file may not be deleted (e.g. "已作为已提交自评的佐证材料"), or None."""
    if check not in _in_use_checks:
        _in_use_checks.append(check)


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Delete the row (audited) and, once committed, the stored file; refused
    while another module holds the file as submitted evidence."""
    for check in _in_use_checks:
        reason = check(attachment)
        if reason:
            raise ValidationError(f"「{attachment.original_name}」{reason}，不能删除。", code="in_use")
    before = {
        "original_name": attachment.original_name,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "org_id": attachment.org_id,
        "uploaded_by_id": attachment.uploaded_by_id,
        "file": attachment.file.name,
    }
    name = attachment.file.name or ""
    audit_record(actor=actor, action="attachments.attachment.deleted", target=attachment, before=before)
    try:
        with transaction.atomic():
            attachment.delete()
    except ProtectedError:
        raise ValidationError("该附件已被其他材料引用，不能删除。", code="protected") from None
    transaction.on_commit(lambda: default_storage.delete(name))


def attachment_read_recorded(*, actor: Any, attachment: Attachment, how: str) -> None:
    """A download or preview is a sensitive read: who read which file, when, from where."""
    audit_record(
        actor=actor,
        action=f"attachments.attachment.{how}",
        target=attachment,
        data={"sha256": attachment.sha256, "size": attachment.size},
    )
