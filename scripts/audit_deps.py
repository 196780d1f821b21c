"""`make audit`: the pinned Python packages (requirements.lock) and the vendored front-end
(frontend/package-lock.json) checked against the OSV advisory database.

The database is each ecosystem's `all.zip` from OSV, kept in FAZHI_OSV_DIR
(default ~/.cache/fazhi-osv) and refreshed from FAZHI_OSV_URL when it can be
reached. Offline, the cached copy is used and its age is printed; with no copy at
all the check says it could not be made. Exit 0: no known vulnerability; 1: some
found (listed); 3: could not check (why, and how to provide the database).
`--json` prints one line: {"checked", "pins", "findings", "databases", "unchecked"}.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fazhi.lib import osv  # noqa: E402 - the project root is put on the path first

CACHE = Path(os.environ.get("FAZHI_OSV_DIR") or Path.home() / ".cache" / "fazhi-osv")
BASE_URL = os.environ.get("FAZHI_OSV_URL", "https://osv-vulnerabilities.storage.googleapis.com").rstrip("/")
MAX_DOWNLOAD = 1024 * 1024 * 1024


def database(ecosystem: str) -> tuple[Path | None, str]:
    """The advisory zip of `ecosystem` (refreshed when possible) and a line saying where it came from."""
    cached = CACHE / f"{ecosystem}-all.zip"
    url = f"{BASE_URL}/{ecosystem}/all.zip"
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".part")
        with urllib.request.urlopen(url, timeout=20) as response, partial.open("wb") as out:  # noqa: S310 - fixed https URL or the operator's own
            shutil.copyfileobj(response, out, length=1024 * 1024)
            if out.tell() > MAX_DOWNLOAD:
                raise OSError("下载的数据库超过 1 GB")
        partial.replace(cached)
        return cached, f"{ecosystem}：已从 {url} 更新"
    except OSError as exc:
        if cached.exists():
            age = (time.time() - cached.stat().st_mtime) / 86400
            return cached, f"{ecosystem}：无法更新（{exc}），使用 {age:.0f} 天前缓存的数据库 {cached}"
        return (
            None,
            f"{ecosystem}：无法检查——漏洞数据库不可达（{exc}），本机也没有缓存；请把 {url} 下载后放到 {cached}",
        )


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    pins = {
        osv.PYPI: osv.python_pins((ROOT / "requirements.lock").read_text(encoding="utf-8")),
        osv.NPM: osv.npm_pins(
            json.loads((ROOT / "frontend" / "package-lock.json").read_text(encoding="utf-8"))
        ),
    }
    found: list[osv.Finding] = []
    lines, unchecked = [], []
    for ecosystem, ecosystem_pins in pins.items():
        source, line = database(ecosystem)
        lines.append(line)
        if source is None:
            unchecked.append(ecosystem)
            continue
        found += osv.findings(ecosystem_pins, osv.read_advisories(source))
    if as_json:
        print(
            json.dumps(
                {
                    "checked": [e for e in pins if e not in unchecked],
                    "pins": {e: len(p) for e, p in pins.items()},
                    "findings": [
                        {
                            "ecosystem": f.pin.ecosystem,
                            "package": f.pin.name,
                            "version": f.pin.version,
                            "advisory": f.advisory,
                            "summary": f.summary,
                            "fixed": list(f.fixed),
                        }
                        for f in found
                    ],
                    "databases": lines,
                    "unchecked": unchecked,
                },
                ensure_ascii=False,
            )
        )
    else:
        for line in lines:
            print(line)
        for f in found:
            fix = f"，修复版本：{'、'.join(f.fixed)}" if f.fixed else ""
            print(f"  {f.pin.ecosystem} {f.pin.name}=={f.pin.version}：{f.advisory} {f.summary}{fix}")
        checked = sum(len(p) for e, p in pins.items() if e not in unchecked)
        if len(unchecked) == len(pins):
            print("未能检查任何依赖：没有可用的漏洞数据库（见上）")
        else:
            missing = f"；{'、'.join(unchecked)} 未能检查" if unchecked else ""
            print(f"检查了 {checked} 个依赖，发现 {len(found)} 个已知漏洞{missing}")
    if found:
        return 1
    return 3 if unchecked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
