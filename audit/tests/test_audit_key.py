"""The audit key lives outside the database: FAZHI_AUDIT_KEY, else audit.key in
the data dir, created 0600; a short or loosely readable key stops the server."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from fazhi import settings as fazhi_settings


def audit_key(data_dir: Path, env: dict[str, str]) -> str:
    with mock.patch.dict(os.environ, env), mock.patch.object(fazhi_settings, "DATA_DIR", data_dir):
        return fazhi_settings._audit_key()


def test_it_creates_audit_key_in_the_data_dir_readable_by_the_owner_only(tmp_path: Path) -> None:
    key = audit_key(tmp_path, {"FAZHI_AUDIT_KEY": ""})
    path = tmp_path / "audit.key"
    assert path.read_text() == key and len(key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert audit_key(tmp_path, {"FAZHI_AUDIT_KEY": ""}) == key


def test_it_prefers_the_environment_and_writes_no_file(tmp_path: Path) -> None:
    given = "k" * 40
    assert audit_key(tmp_path, {"FAZHI_AUDIT_KEY": given}) == given
    assert not (tmp_path / "audit.key").exists()


def test_it_refuses_a_short_key(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="FAZHI_AUDIT_KEY 至少需要 32 个字符"):
        audit_key(tmp_path, {"FAZHI_AUDIT_KEY": "short"})


def test_it_refuses_an_audit_key_file_others_can_read(tmp_path: Path) -> None:
    (tmp_path / "audit.key").write_text("x" * 60)
    (tmp_path / "audit.key").chmod(0o644)
    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        audit_key(tmp_path, {"FAZHI_AUDIT_KEY": ""})
