"""Known vulnerabilities of the pinned dependencies, from an OSV database on disk.

OSV (https://osv.dev) publishes every advisory of an ecosystem as one zip of JSON
files (`<ecosystem>/all.zip`); `make audit` keeps a copy in a cache folder so the
check also runs where the advisory services cannot be reached, and says so plainly
when it has no copy at all. This module is pure: it reads the lock files and the
advisories and answers which pins are affected.

A pin is affected by an advisory when the advisory names its package (names
compared PEP 503-normalised for PyPI) and either lists the version or puts it
inside one of its ranges (introduced ≤ version < fixed, or ≤ last_affected).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

PYPI, NPM = "PyPI", "npm"
# A pinned line of a pip-compile/uv lock: "name==version \\" (extras dropped).
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
# OSV's zips are a few hundred MB unpacked at most; a single advisory is small.
MAX_ADVISORY_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Pin:
    ecosystem: str
    name: str
    version: str


@dataclass(frozen=True)
class Finding:
    pin: Pin
    advisory: str
    summary: str
    fixed: tuple[str, ...]


def normalise(ecosystem: str, name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower() if ecosystem == PYPI else name


def python_pins(lock_text: str) -> list[Pin]:
    pins = []
    for line in lock_text.splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins.append(Pin(PYPI, normalise(PYPI, match.group(1)), match.group(2)))
    return pins


def npm_pins(package_lock: dict) -> list[Pin]:
    pins = []
    for path, meta in (package_lock.get("packages") or {}).items():
        if not path or "version" not in meta:
            continue
        name = path.rsplit("node_modules/", 1)[-1]
        pins.append(Pin(NPM, name, str(meta["version"])))
    return pins


def _key(ecosystem: str, version: str) -> tuple | None:
    """A comparable key for `version`, or None when it cannot be compared."""
    if ecosystem == PYPI:
        try:
            return (Version(version),)
        except InvalidVersion:
            return None
    core, _, pre = version.partition("-")
    parts = core.split(".")
    if not all(p.isdigit() for p in parts):
        return None
    # a pre-release sorts before its release (semver)
    return (tuple(int(p) for p in parts), 0 if pre else 1, pre)


def _in_range(ecosystem: str, version: str, events: list[dict]) -> bool:
    here = _key(ecosystem, version)
    if here is None:
        return False
    affected = False
    for event in sorted(events, key=lambda e: _event_order(ecosystem, e)):
        if "introduced" in event:
            start = event["introduced"]
            affected = start == "0" or (_key(ecosystem, start) or here) <= here
        elif "fixed" in event and affected:
            fixed = _key(ecosystem, event["fixed"])
            if fixed is not None and here >= fixed:
                affected = False
        elif "last_affected" in event and affected:
            last = _key(ecosystem, event["last_affected"])
            if last is not None and here > last:
                affected = False
    return affected


def _event_order(ecosystem: str, event: dict) -> tuple:
    value = next(iter(event.values()))
    if value == "0":
        return (0,)
    key = _key(ecosystem, str(value))
    return (1, key) if key is not None else (2,)


def affects(advisory: dict, pin: Pin) -> tuple[bool, tuple[str, ...]]:
    """Whether `advisory` affects `pin`, and the versions that fix it."""
    hit = False
    fixed: list[str] = []
    for entry in advisory.get("affected") or []:
        package = entry.get("package") or {}
        if package.get("ecosystem") != pin.ecosystem:
            continue
        if normalise(pin.ecosystem, str(package.get("name", ""))) != pin.name:
            continue
        if pin.version in (entry.get("versions") or []):
            hit = True
        for rng in entry.get("ranges") or []:
            if rng.get("type") in ("ECOSYSTEM", "SEMVER"):
                events = rng.get("events") or []
                fixed += [e["fixed"] for e in events if "fixed" in e]
                hit = hit or _in_range(pin.ecosystem, pin.version, events)
    return hit, tuple(dict.fromkeys(fixed))


def read_advisories(source: Path) -> Iterator[dict]:
    """Advisories from an OSV `all.zip` or a folder of OSV JSON files (bounded per file)."""
    if source.is_dir():
        for path in sorted(source.glob("*.json")):
            if path.stat().st_size <= MAX_ADVISORY_BYTES:
                yield json.loads(path.read_text(encoding="utf-8"))
        return
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if info.filename.endswith(".json") and info.file_size <= MAX_ADVISORY_BYTES:
                yield json.loads(archive.read(info))


def findings(pins: Iterable[Pin], advisories: Iterable[dict]) -> list[Finding]:
    by_name: dict[str, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
    found = []
    for advisory in advisories:
        if advisory.get("withdrawn"):
            continue
        names = {
            normalise(
                str((e.get("package") or {}).get("ecosystem")), str((e.get("package") or {}).get("name", ""))
            )
            for e in advisory.get("affected") or []
        }
        for name in names & by_name.keys():
            for pin in by_name[name]:
                hit, fixed = affects(advisory, pin)
                if hit:
                    found.append(
                        Finding(pin, str(advisory.get("id")), str(advisory.get("summary", "")), fixed)
                    )
    return sorted(found, key=lambda f: (f.pin.ecosystem, f.pin.name, f.advisory))
