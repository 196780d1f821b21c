"""The hash chain of the audit log, free of Django so it can be checked anywhere.

Each entry's hash covers its own canonical content and the previous entry's
hash; altering, inserting or removing an entry breaks every hash after it.

The chain alone only proves that the rows agree with each other: someone with
write access to the database could alter a row and recompute every hash after
it. So each entry also carries an HMAC of its hash under a key kept outside the
database (FAZHI_AUDIT_KEY or `audit.key` in the data dir), and the chain head is
written regularly to an anchor file beside the database (`anchors.py`): a
rebuilt chain fails the HMACs, a forged row has none, and a removed tail falls
short of the last anchor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(content: Mapping[str, Any]) -> bytes:
    return json.dumps(
        content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode()


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(content)).hexdigest()


def entry_mac(key: bytes, seq: int, hash: str) -> str:
    """The HMAC that only a holder of the audit key can write for entry `seq`."""
    return hmac.new(key, f"fazhi-audit-entry|{seq}|{hash}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """A chain head recorded outside the database: entry `seq` had `hash` at `at`."""

    at: str
    seq: int
    hash: str


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


# (seq, prev_hash, hash, mac or None for an entry written before HMACs existed, content)
Row = tuple[int, str, str, "str | None", Mapping[str, Any]]


def verify(
    entries: Iterable[Row],
    *,
    head: tuple[int, str] | None,
    key: bytes,
    anchors: Sequence[Anchor] = (),
    legacy_ok: bool = False,
) -> Break | None:
    """Walk the entries in seq order; return the first break.

    `head` is the (seq, hash) the database records for the newest entry;
    `anchors` are the heads recorded outside it (already checked for their own
    HMAC). Entries without an HMAC (written before HMACs existed) must come
    before every entry that has one, and are accepted only when an anchor comes
    at or after them (the first anchor seals them), or with `legacy_ok` (used
    when writing that first anchor).
    """
    by_seq: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        by_seq.setdefault(anchor.seq, []).append(anchor)
    sealed_up_to = max((a.seq for a in anchors), default=0)
    expected_seq = 1
    prev = GENESIS
    first_mac_seen = False
    for seq, prev_hash, stored_hash, mac, content in entries:
        broken = (
            _link_break(seq, expected_seq, prev_hash, prev, stored_hash, content)
            or _mac_break(
                seq,
                stored_hash,
                mac,
                key=key,
                first_mac_seen=first_mac_seen,
                sealed=seq <= sealed_up_to or legacy_ok,
            )
            or _anchor_break(seq, stored_hash, by_seq.get(seq, ()))
        )
        if broken is not None:
            return broken
        first_mac_seen = first_mac_seen or bool(mac)
        prev = stored_hash
        expected_seq += 1
    return _tail_break(expected_seq - 1, prev, head=head, anchors=anchors, sealed_up_to=sealed_up_to)


def _link_break(
    seq: int, expected_seq: int, prev_hash: str, prev: str, stored_hash: str, content: Mapping[str, Any]
) -> Break | None:
    """An entry missing, or one whose links or content do not match its hashes."""
    if seq != expected_seq:
        return Break(expected_seq, f"第 {expected_seq} 条记录缺失（下一条为第 {seq} 条）")
    if prev_hash != prev:
        return Break(seq, f"第 {seq} 条记录的前序哈希与上一条不符（上一条被改动或删除）")
    if entry_hash(prev_hash, content) != stored_hash:
        return Break(seq, f"第 {seq} 条记录的内容与其哈希不符（记录被改动）")
    return None


def _mac_break(
    seq: int, stored_hash: str, mac: str | None, *, key: bytes, first_mac_seen: bool, sealed: bool
) -> Break | None:
    """An HMAC that does not match, or none where one is due. Entries older than HMACs
    form a prefix of the log; a later one without an HMAC was written around the system."""
    if not mac:
        if first_mac_seen or not sealed:
            return Break(
                seq,
                f"第 {seq} 条记录没有校验码（HMAC），也不在任何锚点之前：不是由本系统写入的记录"
                "（绕过系统直接写入数据库）",
            )
        return None
    if hmac.compare_digest(mac, entry_mac(key, seq, stored_hash)):
        return None
    hint = (
        "" if first_mac_seen else "如果更换过审计密钥（FAZHI_AUDIT_KEY 或 audit.key），请换回原密钥后再校验；"
    )
    return Break(
        seq,
        f"第 {seq} 条记录的校验码（HMAC）不符：记录在数据库中被改写或伪造（哈希链被重新计算）。{hint}",
    )


def _anchor_break(seq: int, stored_hash: str, anchors: Iterable[Anchor]) -> Break | None:
    for anchor in anchors:
        if anchor.hash != stored_hash:
            return Break(
                seq,
                f"第 {seq} 条记录的哈希与锚点文件（{anchor.at} 记录）不符：该条或之前的记录被改写",
            )
    return None


def _tail_break(
    last_seq: int,
    last_hash: str,
    *,
    head: tuple[int, str] | None,
    anchors: Sequence[Anchor],
    sealed_up_to: int,
) -> Break | None:
    """Entries cut off the end: fewer than an anchor or the database's head says."""
    if sealed_up_to > last_seq:
        at = max((a for a in anchors if a.seq == sealed_up_to), key=lambda a: a.at).at
        return Break(
            last_seq + 1,
            f"第 {last_seq + 1} 条及之后的记录被删除（锚点文件记录 {at} 时已有 {sealed_up_to} 条）",
        )
    if head is not None and (head[0] != last_seq or head[1] != last_hash):
        if head[0] > last_seq:
            return Break(last_seq + 1, f"第 {last_seq + 1} 条及之后的记录被删除（应有 {head[0]} 条）")
        return Break(head[0], "链头记录与日志不符")
    return None
