"""Shared helpers for benchmarks: a throw-away data dir, Django set-up, timing, output."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any


def setup_django(*, database_url: str | None = None) -> str:
    """Point fazhi at a fresh data dir (and optionally a database) and migrate."""
    data_dir = tempfile.mkdtemp(prefix="fazhi-bench-")
    os.environ["FAZHI_DATA_DIR"] = data_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return data_dir


def best_of(fn: Callable[[], Any], *, repeat: int = 5) -> float:
    """Median wall time of `repeat` runs, in seconds (after one warm-up run)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def emit(bench: str, project_s: float, baseline_s: float, **extra: Any) -> None:
    ratio = project_s / baseline_s if baseline_s > 0 else float("inf")
    print(
        json.dumps(
            {
                "bench": bench,
                "project_s": round(project_s, 6),
                "baseline_s": round(baseline_s, 6),
                "ratio": round(ratio, 3),
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
