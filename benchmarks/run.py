"""Runs every benchmark in this folder (or the one named), each in its own
process; each prints one JSON line {"bench", "project_s", "baseline_s", "ratio", ...}."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run.py", "common.py", "__init__.py"}


def main(argv: list[str]) -> int:
    only = argv[0] if argv and argv[0] else None
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in SKIP)
    if only:
        scripts = [p for p in scripts if p.stem == only]
        if not scripts:
            names = ", ".join(p.stem for p in sorted(HERE.glob("*.py")) if p.name not in SKIP)
            print(f'{{"error": "没有名为 {only} 的基准测试，可选：{names}"}}', file=sys.stderr)
            return 2
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    failed = 0
    for script in scripts:
        result = subprocess.run([sys.executable, str(script)], env=env, cwd=HERE.parent)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
