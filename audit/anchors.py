"""The anchor file: chain heads written outside the database, one line each.

    2026-11-29T20:15:03+08:00 seq=1234 hash=<sha256 hex> mac=<hmac hex>

The line's HMAC (same key as the entries) makes a forged or edited line
detectable; the file is only ever appended to (O_APPEND, 0600; the deployment
can add `chattr +a`), and each line may also go to syslog. Free of Django:
callers pass the path and the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import Path

from audit.chain import Anchor

LINE = re.compile(r"^(?P<at>\S+) seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{64}) mac=(?P<mac>[0-9a-f]{64})$")
TAIL_BYTES = 8192


class AnchorFileError(ValueError):
    """The anchor file cannot be read or written; `str(exc)` is a Chinese message."""


@dataclass(frozen=True)
class BadLine:
    number: int
    reason: str


def anchor_mac(key: bytes, at: str, seq: int, hash: str) -> str:
    return hmac.new(key, f"fazhi-audit-anchor|{at}|{seq}|{hash}".encode(), hashlib.sha256).hexdigest()


def format_line(key: bytes, anchor: Anchor) -> str:
    return f"{anchor.at} seq={anchor.seq} hash={anchor.hash} mac={anchor_mac(key, anchor.at, anchor.seq, anchor.hash)}"


def parse_line(key: bytes, line: str) -> Anchor | str:
    """The anchor of a line, or why it cannot be trusted."""
    match = LINE.match(line.strip())
    if match is None:
        return "格式不符"
    anchor = Anchor(at=match["at"], seq=int(match["seq"]), hash=match["hash"])
    if not hmac.compare_digest(match["mac"], anchor_mac(key, anchor.at, anchor.seq, anchor.hash)):
        return "校验码（HMAC）不符：该行被改动、伪造，或由另一把审计密钥写入"
    return anchor


def parse_lines(key: bytes, lines: list[str]) -> tuple[list[Anchor], list[BadLine]]:
    anchors: list[Anchor] = []
    bad: list[BadLine] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parsed = parse_line(key, line)
        if isinstance(parsed, Anchor):
            anchors.append(parsed)
        else:
            bad.append(BadLine(number, parsed))
    return anchors, bad


def read_lines(path: Path) -> list[str]:
    """Every line of the anchor file (none when it does not exist yet)."""
    try:
        return path.read_text(encoding="ascii").splitlines()
    except FileNotFoundError:
        return []
    except IsADirectoryError:
        raise AnchorFileError(f"锚点文件路径 {path} 是一个目录，不是文件。") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorFileError(f"无法读取锚点文件 {path}（{type(exc).__name__}）。") from None


def last_anchor(path: Path, key: bytes) -> Anchor | None:
    """The newest trustworthy line, reading only the end of the file."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - TAIL_BYTES))
            tail = fh.read().decode("ascii", errors="replace").splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(tail):
        parsed = parse_line(key, line)
        if isinstance(parsed, Anchor):
            return parsed
    return None


def append_lines(path: Path, lines: list[str]) -> None:
    """Append whole lines in one write (O_APPEND: concurrent writers never interleave within a line)."""
    if not lines:
        return
    data = "".join(line + "\n" for line in lines).encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except IsADirectoryError:
        raise AnchorFileError(f"锚点文件路径 {path} 是一个目录，不是文件。") from None
    except OSError as exc:
        raise AnchorFileError(f"无法写入锚点文件 {path}（{exc.strerror or type(exc).__name__}）。") from None
    try:
        os.write(fd, data)
        os.fsync(fd)
    except OSError as exc:
        raise AnchorFileError(f"无法写入锚点文件 {path}（{exc.strerror or type(exc).__name__}）。") from None
    finally:
        os.close(fd)
