"""The backup file: a .tar.gz or .zip of members plus manifest.json with the
SHA-256 of every member, and manifest.sig: an HMAC of the manifest under the
audit key, which is kept outside the database and never written into a backup.
Pure Python (no Django) so it can be checked anywhere.

Reading verifies before anything is used: first the signature of the manifest
(a missing one, another key's or a broken one is refused before a single member
is extracted), then every member listed in the manifest is present with its
hash, nothing else is, and no member name could escape the folder it is
extracted to.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

FORMAT = "fazhi-backup"
FORMAT_VERSION = 2  # 2: signed (manifest.sig), no TOTP secrets or API tokens
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MAX_MANIFEST = 16 * 1024 * 1024
CHUNK = 1024 * 1024


class ArchiveError(ValueError):
    """The archive cannot be used; `str(exc)` is a Chinese message for the operator."""


def key_id(key: bytes) -> str:
    """Names a key without revealing it, to tell "another key" from "tampered"."""
    return hmac.new(key, b"fazhi-key-id", hashlib.sha256).hexdigest()[:16]


def manifest_mac(key: bytes, manifest: bytes) -> str:
    return hmac.new(key, b"fazhi-backup|" + manifest, hashlib.sha256).hexdigest()


def signature_for(key: bytes, manifest: bytes) -> bytes:
    return json.dumps(
        {"algorithm": "HMAC-SHA256", "key_id": key_id(key), "mac": manifest_mac(key, manifest)},
        sort_keys=True,
    ).encode()


def check_signature(key: bytes, manifest: bytes | None, signature: bytes | None) -> None:
    """Raise ArchiveError unless `signature` is this key's HMAC of `manifest`."""
    if manifest is None:
        raise ArchiveError("备份文件中没有 manifest.json，这不是 fazhi 备份文件。")
    if signature is None:
        raise ArchiveError("备份文件没有签名（manifest.sig），可能来自旧版本或被改动，已拒绝恢复。")
    try:
        parsed = json.loads(signature)
        given_id, given_mac = str(parsed["key_id"]), str(parsed["mac"])
    except (ValueError, KeyError, TypeError):
        raise ArchiveError("备份文件的签名（manifest.sig）已损坏，已拒绝恢复。") from None
    if not hmac.compare_digest(given_id, key_id(key)):
        raise ArchiveError(
            f"备份文件由另一把密钥签名（备份的密钥指纹 {given_id[:16]}，本机 {key_id(key)}），已拒绝恢复。"
            "请设置与备份时相同的审计密钥（FAZHI_AUDIT_KEY 或数据目录中的 audit.key）后再恢复。"
        )
    if not hmac.compare_digest(given_mac, manifest_mac(key, manifest)):
        raise ArchiveError("备份文件签名校验失败：清单（manifest.json）被改动，已拒绝恢复。")


def archive_format(path: str | os.PathLike[str]) -> str:
    name = str(path).lower()
    if name.endswith((".tar.gz", ".tgz")):
        return "tar.gz"
    if name.endswith(".zip"):
        return "zip"
    raise ArchiveError("备份文件名应以 .tar.gz 或 .zip 结尾。")


class _HashingReader(io.RawIOBase):
    """Wraps a binary stream and hashes what is read through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Write members in one pass, hashing each; the manifest goes in last."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.format = archive_format(path)
        self.path = Path(path)
        self.members: dict[str, dict[str, Any]] = {}
        fd, tmp = tempfile.mkstemp(prefix=".fazhi-backup-", dir=self.path.parent or ".")
        os.close(fd)
        self.tmp = Path(tmp)
        if self.format == "zip":
            self._zip: zipfile.ZipFile | None = zipfile.ZipFile(
                self.tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True
            )
            self._tar: tarfile.TarFile | None = None
        else:
            self._zip = None
            self._tar = tarfile.open(self.tmp, "w:gz")  # noqa: SIM115 - closed in close()

    def add_stream(self, name: str, stream: BinaryIO, size: int) -> dict[str, Any]:
        reader = _HashingReader(stream)
        if self._zip is not None:
            with self._zip.open(name, "w", force_zip64=True) as out:
                shutil.copyfileobj(reader, out, CHUNK)  # type: ignore[misc]
        else:
            assert self._tar is not None
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = 0o600
            self._tar.addfile(info, reader)  # type: ignore[arg-type]
        if reader.size != size:
            raise ArchiveError(f"写入 {name} 时大小发生变化（{size} → {reader.size}），请重试。")
        entry = {"sha256": reader.digest.hexdigest(), "size": reader.size}
        self.members[name] = entry
        return entry

    def add_file(self, name: str, path: Path) -> dict[str, Any]:
        with open(path, "rb") as fh:
            return self.add_stream(name, fh, path.stat().st_size)

    def finish(self, manifest: dict[str, Any], *, key: bytes) -> None:
        manifest = {**manifest, "members": self.members}
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        self.add_stream(MANIFEST, io.BytesIO(data), len(data))
        self.members.pop(MANIFEST)
        signature = signature_for(key, data)
        self.add_stream(SIGNATURE, io.BytesIO(signature), len(signature))
        self.members.pop(SIGNATURE)
        self._close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self._close()
        self.tmp.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._tar is not None:
            self._tar.close()


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or name.startswith("/"):
        raise ArchiveError(f"备份文件包含不安全的路径「{name}」，已拒绝。")
    return str(path)


def _members(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """(name, stream) of every regular file member; anything else is refused."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.is_dir():
                        continue
                    with archive.open(info) as stream:
                        yield _safe_name(info.filename), stream
            return
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                if member.isdir():
                    continue
                if not member.isfile():
                    raise ArchiveError(f"备份文件包含非普通文件「{member.name}」，已拒绝。")
                extracted = archive.extractfile(member)
                assert extracted is not None
                yield _safe_name(member.name), extracted
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ArchiveError(f"备份文件已损坏或不完整，无法读取（{type(exc).__name__}）。") from None


def _signed_manifest(path: Path, key: bytes) -> bytes:
    """First pass: only the manifest and its signature are read, and checked."""
    manifest = signature = None
    for name, stream in _members(path):
        if name == MANIFEST:
            manifest = stream.read(MAX_MANIFEST + 1)
        elif name == SIGNATURE:
            signature = stream.read(4096)
    check_signature(key, manifest, signature)
    assert manifest is not None
    return manifest


def extract_verified(path: str | os.PathLike[str], into: Path, *, key: bytes) -> dict[str, Any]:
    """Check the signature, then extract every member into `into` and check it
    against the manifest.

    Returns the manifest; raises ArchiveError naming the first problem. Nothing
    outside `into` is touched, so a refused archive changes nothing; an archive
    not signed with `key` is refused before anything is extracted."""
    path = Path(path)
    _check_readable(path)
    manifest_bytes = _signed_manifest(path, key)
    found = {
        name: _extract_member(name, stream, into)
        for name, stream in _members(path)
        if name not in (MANIFEST, SIGNATURE)
    }
    manifest = _parse_manifest(manifest_bytes)
    _check_members(found, manifest.get("members") or {})
    return manifest


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise ArchiveError(f"备份文件不存在：{path}")
    if not path.is_file():
        raise ArchiveError(f"备份文件路径 {path} 不是文件。")
    if not os.access(path, os.R_OK):
        raise ArchiveError(f"没有读取备份文件 {path} 的权限。")


def _extract_member(name: str, stream: IO[bytes], into: Path) -> dict[str, Any]:
    """Write one member under `into`, hashing it on the way; its SHA-256 and size."""
    target = into / name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with open(target, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ArchiveError(
            f"备份文件已损坏或不完整：读取「{name}」时出错（{type(exc).__name__}）。"
        ) from None
    return {"sha256": digest.hexdigest(), "size": size}


def _parse_manifest(manifest_bytes: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        raise ArchiveError("备份文件的 manifest.json 已损坏，无法解析。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("这不是 fazhi 备份文件（manifest.json 格式不符）。")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"不支持的备份格式版本 {manifest.get('format_version')}（本程序支持 {FORMAT_VERSION}）。"
        )
    return manifest


def _check_members(found: dict[str, dict[str, Any]], expected: dict[str, Any]) -> None:
    """Every member the manifest lists, with its hash and size, and no other."""
    for name, entry in sorted(expected.items()):
        if name not in found:
            raise ArchiveError(f"备份文件不完整：缺少「{name}」。")
        if found[name]["sha256"] != entry.get("sha256") or found[name]["size"] != entry.get("size"):
            raise ArchiveError(
                f"备份文件校验失败：「{name}」的 SHA-256 与清单不符（文件被改动或损坏），已拒绝恢复。"
            )
    extra = sorted(set(found) - set(expected))
    if extra:
        raise ArchiveError(f"备份文件校验失败：包含清单中没有的「{extra[0]}」，已拒绝恢复。")
