"""audit_record: the one way anything is written to the audit log."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit import chain
from audit.context import current_origin
from audit.models import AuditEntry, AuditHead


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of an object's concrete fields (secrets excluded)."""
    names = (
        list(fields)
        if fields is not None
        else [f.attname for f in obj._meta.concrete_fields if f.name not in {"password", "totp_secret"}]
    )
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_repr: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEntry:
    """Append an entry in the caller's transaction: the change and its record
    commit or roll back together. `action` is namespaced: "orgs.org.updated"."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditHead.objects.create(pk=1, seq=0, hash=chain.GENESIS)
        head = AuditHead.objects.select_for_update().get(pk=1)
    origin = current_origin.get()
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    entry = AuditEntry(
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor_id=actor.pk if is_user else None,
        actor_name=(actor_name or (str(getattr(actor, "username", "")) if is_user else "系统"))[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:255],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        data=_jsonable(data) if data is not None else None,
        ip=origin.ip[:64],
        user_agent=origin.user_agent[:255],
        prev_hash=head.hash,
    )
    entry.hash = chain.entry_hash(entry.prev_hash, entry.content())
    entry.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


def audit_verify() -> chain.Break | None:
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    rows = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    return chain.verify(((e.seq, e.prev_hash, e.hash, e.content()) for e in rows), head=head)
