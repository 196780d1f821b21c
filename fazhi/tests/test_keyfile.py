"""The generated secret key file: 0600 from the start, one key for every worker,
and a file with looser permissions refused."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fazhi.lib.keyfile import KeyFileError, read_or_create_key


def test_it_creates_the_key_readable_by_the_owner_only(tmp_path: Path) -> None:
    old = os.umask(0)  # even with a permissive umask
    try:
        key = read_or_create_key(tmp_path / "secret_key")
    finally:
        os.umask(old)
    assert len(key) >= 50
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_it_gives_every_concurrent_caller_the_same_key(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = set(pool.map(lambda _: read_or_create_key(path), range(64)))
    assert len(keys) == 1
    assert keys == {path.read_text()}


def test_it_refuses_a_key_file_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("x" * 60)
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        read_or_create_key(path)


def test_it_refuses_an_empty_key_file(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.touch(mode=0o600)
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match="为空"):
        read_or_create_key(path)


def test_settings_refuse_to_start_with_a_loose_secret_key_file(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("y" * 60)
    (tmp_path / "secret_key").chmod(0o640)
    env = {**os.environ, "FAZHI_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "fazhi.settings"}
    env.pop("FAZHI_SECRET_KEY", None)
    proc = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert "chmod 600" in proc.stderr
