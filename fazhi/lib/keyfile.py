"""Secrets kept in files beside the data (the generated secret key, the audit key).

A key file is created once, atomically, readable by its owner only (0600 from
the first byte: the file is opened with O_CREAT | O_EXCL and that mode, so no
other process ever sees it with looser permissions). When two workers start at
once, one creates the file and the other reads what the first wrote: both end
with the same key. A file that exists with permissions open to the group or to
others is refused, naming the file and the fix, rather than trusted.
"""

from __future__ import annotations

import os
import secrets
import stat
import time
from pathlib import Path


class KeyFileError(ValueError):
    """A key file exists but must not be used (loose permissions, empty, unreadable)."""


def _check_permissions(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(
            f"密钥文件 {path} 的权限为 {mode:04o}，其他用户可以读取，拒绝使用。"
            f"请执行 chmod 600 {path} 后重新启动（如密钥可能已泄露，请删除该文件后重新生成）。"
        )


def _read(path: Path) -> str:
    # A second process may see the file between its creation and the first write
    # completing; the key is written in one call, so a short wait is enough.
    for _ in range(50):
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
        time.sleep(0.02)
    raise KeyFileError(f"密钥文件 {path} 为空，拒绝使用。请删除该文件后重新启动以生成新密钥。")


def read_or_create_key(path: Path, *, nbytes: int = 50) -> str:
    """The key stored at `path`, created with `nbytes` of randomness when absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _check_permissions(path)
        return _read(path)
    value = secrets.token_urlsafe(nbytes)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value)
        fh.flush()
        os.fsync(fh.fileno())
    return value
