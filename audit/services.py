"""audit_record: the one way anything is written to the audit log; audit_anchor
and audit_check: its anchors outside the database and their verification."""

from __future__ import annotations

import datetime
import decimal
import logging
import logging.handlers
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from audit import anchors, chain
from audit.context import current_origin
from audit.models import AuditEntry, AuditHead

logger = logging.getLogger("fazhi.audit")


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
    entry.mac = chain.entry_mac(audit_key(), entry.seq, entry.hash)
    entry.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    # Anchored only once committed: an anchor must never name a rolled-back entry.
    transaction.on_commit(partial(_anchor_if_due, entry.seq, entry.hash))
    return entry


def audit_key() -> bytes:
    """The HMAC key, kept outside the database (settings.AUDIT_KEY)."""
    return str(settings.AUDIT_KEY).encode()


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


# --------------------------------------------------------------------------- anchors

# The newest anchor this process knows of per file: (seq, unix time), so that
# most entries decide "not due yet" without reading the file.
_last_anchor: dict[str, tuple[int, float]] = {}


def _anchor_time(anchor: chain.Anchor) -> float:
    try:
        return datetime.datetime.fromisoformat(anchor.at).timestamp()
    except ValueError:
        return 0.0


def _due(last: tuple[int, float], seq: int) -> bool:
    return (
        seq - last[0] >= settings.AUDIT_ANCHOR_EVERY
        or time.time() - last[1] >= settings.AUDIT_ANCHOR_MINUTES * 60
    )


def _anchor_if_due(seq: int, hash: str) -> None:
    """After an entry commits: anchor it when AUDIT_ANCHOR_EVERY entries or
    AUDIT_ANCHOR_MINUTES minutes have passed since the last anchor (of any process)."""
    path = anchor_file()
    try:
        known = _last_anchor.get(str(path))
        if known is not None and not _due(known, seq):
            return
        last = anchors.last_anchor(path, audit_key())  # another process may have anchored meanwhile
        known = (last.seq, _anchor_time(last)) if last is not None else (0, 0.0)
        _last_anchor[str(path)] = known
        if _due(known, seq):
            _anchor_write(chain.Anchor(at=_now_text(), seq=seq, hash=hash))
    except (OSError, anchors.AnchorFileError) as exc:
        # The entry is committed; a missed anchor is caught up by the next one.
        logger.error("审计日志锚点写入失败：%s", exc)


def _now_text() -> str:
    return timezone.localtime(timezone.now()).isoformat(timespec="seconds")


def _anchor_write(anchor: chain.Anchor) -> str:
    line = anchors.format_line(audit_key(), anchor)
    path = anchor_file()
    anchors.append_lines(path, [line])
    _last_anchor[str(path)] = (anchor.seq, time.time())
    if settings.AUDIT_SYSLOG:
        _syslog(line)
    return line


def _syslog(line: str) -> None:
    target = settings.AUDIT_SYSLOG
    address: str | tuple[str, int]
    if target.startswith("/"):
        address = target
    else:
        host, _, port = target.rpartition(":")
        address = (host.strip("[]"), int(port))
    try:
        handler = logging.handlers.SysLogHandler(address=address)
    except OSError as exc:
        logger.error("审计日志锚点无法发送到 syslog %s：%s", target, exc)
        return
    try:
        record = logging.LogRecord(
            "fazhi.audit", logging.INFO, __file__, 0, "fazhi-audit-anchor %s", (line,), None
        )
        handler.emit(record)
    finally:
        handler.close()


def audit_anchor() -> chain.Anchor | None:
    """Write the current chain head to the anchor file (and syslog); None when the log is empty."""
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    if head is None or head[0] == 0:
        return None
    anchor = chain.Anchor(at=_now_text(), seq=head[0], hash=head[1])
    _anchor_write(anchor)
    return anchor


def anchor_lines_up_to(seq: int) -> list[str]:
    """The anchor file's trustworthy lines naming entries up to `seq` (for a backup of that head)."""
    key = audit_key()
    return [
        line
        for line in anchors.read_lines(anchor_file())
        if isinstance(parsed := anchors.parse_line(key, line), chain.Anchor) and parsed.seq <= seq
    ]


def anchors_merge(lines: list[str]) -> int:
    """Append the trustworthy `lines` the anchor file does not have yet (after a restore)."""
    key = audit_key()
    have = set(anchors.read_lines(anchor_file()))
    new = [
        line
        for line in dict.fromkeys(lines)
        if line not in have and isinstance(anchors.parse_line(key, line), chain.Anchor)
    ]
    anchors.append_lines(anchor_file(), new)
    return len(new)


# --------------------------------------------------------------------------- verification


@dataclass
class Verification:
    broken: chain.Break | None
    entries: int = 0
    anchors: list[chain.Anchor] = field(default_factory=list)
    anchor_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.anchor_problem

    @property
    def reason(self) -> str:
        return self.anchor_problem or (self.broken.reason if self.broken else "")


def audit_check(*, anchor_lines: list[str] | None = None, legacy_ok: bool = False) -> Verification:
    """Re-walk the chain: every hash, every HMAC, every anchor (the anchor file's
    lines unless `anchor_lines` are given, e.g. a copy kept elsewhere).
    `legacy_ok` accepts entries written before HMACs existed without an anchor."""
    key = audit_key()
    lines = anchors.read_lines(anchor_file()) if anchor_lines is None else anchor_lines
    found, bad = anchors.parse_lines(key, lines)
    if bad:
        return Verification(
            broken=None, anchors=found, anchor_problem=f"锚点文件第 {bad[0].number} 行{bad[0].reason}。"
        )
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    count = 0

    def rows() -> Iterable[chain.Row]:
        nonlocal count
        for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
            count += 1
            yield (e.seq, e.prev_hash, e.hash, e.mac, e.content())

    broken = chain.verify(rows(), head=head, key=key, anchors=found, legacy_ok=legacy_ok)
    return Verification(broken=broken, entries=count, anchors=found)


def audit_verify(*, anchor_lines: list[str] | None = None) -> chain.Break | None:
    """The first break of the log, or None when intact (see audit_check)."""
    result = audit_check(anchor_lines=anchor_lines)
    if result.anchor_problem:
        return chain.Break(0, result.anchor_problem)
    return result.broken


def audit_entry_problem(entry: AuditEntry) -> str:
    """Why one entry cannot be trusted on its own ("" when its hash and HMAC hold).
    An entry older than HMACs is trusted when an anchor covers it."""
    if chain.entry_hash(entry.prev_hash, entry.content()) != entry.hash:
        return f"审计日志第 {entry.seq} 条记录的内容与其哈希不符（记录被改动）"
    if entry.mac:
        if chain.entry_mac(audit_key(), entry.seq, entry.hash) != entry.mac:
            return f"审计日志第 {entry.seq} 条记录的校验码（HMAC）不符（记录被改写或伪造）"
        return ""
    found, _ = anchors.parse_lines(audit_key(), anchors.read_lines(anchor_file()))
    if not any(a.seq >= entry.seq for a in found):
        return f"审计日志第 {entry.seq} 条记录没有校验码（HMAC），也不在任何锚点之前"
    return ""
