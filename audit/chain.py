"""The hash chain of the audit log, free of Django so it can be checked anywhere.

Each entry's hash covers its own canonical content and the previous entry's
hash; altering, inserting or removing an entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(content: Mapping[str, Any]) -> bytes:
    return json.dumps(
        content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode()


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(content)).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify(
    entries: Iterable[tuple[int, str, str, Mapping[str, Any]]], *, head: tuple[int, str] | None
) -> Break | None:
    """Walk (seq, prev_hash, hash, content) in seq order; return the first break.

    `head` is the (seq, hash) recorded for the newest entry, which catches a
    removed tail that the chain alone cannot show.
    """
    expected_seq = 1
    prev = GENESIS
    for seq, prev_hash, stored_hash, content in entries:
        if seq != expected_seq:
            return Break(expected_seq, f"第 {expected_seq} 条记录缺失（下一条为第 {seq} 条）")
        if prev_hash != prev:
            return Break(seq, f"第 {seq} 条记录的前序哈希与上一条不符（上一条被改动或删除）")
        if entry_hash(prev_hash, content) != stored_hash:
            return Break(seq, f"第 {seq} 条记录的内容与其哈希不符（记录被改动）")
        prev = stored_hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if head is not None and (head[0] != last_seq or head[1] != prev):
        if head[0] > last_seq:
            return Break(last_seq + 1, f"第 {last_seq + 1} 条及之后的记录被删除（应有 {head[0]} 条）")
        return Break(head[0], "链头记录与日志不符")
    return None
