"""100 concurrent users on the main pages (DESIGN §5: p95 < 300 ms, zero errors).

Users behave like people: each waits a think time of 0.5–1.5 s (seeded) between
page views, so 100 users offer about 100 requests a second; a second run with no
think time at all measures the saturated throughput for reference.

Starts gunicorn (as `make run` does) on a free port over a fresh data dir with
the demo data, opens one logged-in session per simulated user (sessions are
made server-side, so log-in throttling is not what is measured), then 100
threads each fetch the main pages in turn. The baseline is the same load on a
static file served by the same server in the same run.
"""

from __future__ import annotations

import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from common import emit, setup_django

from fazhi.lib.ports import free_port

USERS = 100
ROUNDS = 5
ROOT = Path(__file__).resolve().parent.parent
CANDIDATE_PAGES = [
    "/",
    "/orgs/",
    "/assessments/campaigns/",
    "/assessments/results/",
    "/assessments/appeals/",
    "/performance/",
    "/provincial/frameworks/",
    "/provincial/tasks/",
]
USER_CYCLE = ["office", "pengjiang", "assessor_sfj", "jianghai", "assessor_gaj", "xinhui"]


def make_sessions(n: int) -> list[str]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=USER_CYCLE)}
    keys = []
    for i in range(n):
        user = users[USER_CYCLE[i % len(USER_CYCLE)]]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["fazhi_last_seen"] = time.time()
        store.create()
        keys.append(str(store.session_key))
    return keys


def fetch(port: int, path: str, cookie: str | None) -> tuple[float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    start = time.perf_counter()
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return time.perf_counter() - start, status


def load(
    port: int, plans: Sequence[tuple[str | None, list[str]]], *, think: bool = True
) -> tuple[list[float], int, float]:
    """Each plan is one user: its session cookie and the pages it opens in turn."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    barrier = threading.Barrier(len(plans))

    def user(index: int, cookie: str | None, paths: list[str]) -> None:
        nonlocal errors
        rng = random.Random(index)
        barrier.wait()
        time.sleep(rng.uniform(0, 1.0) if think else 0)  # users do not all arrive in the same millisecond
        for _ in range(ROUNDS):
            for path in paths:
                elapsed, status = fetch(port, path, cookie)
                with lock:
                    latencies.append(elapsed)
                    errors += status != 200
                if think:
                    time.sleep(rng.uniform(0.5, 1.5))

    threads = [threading.Thread(target=user, args=(i, c, paths)) for i, (c, paths) in enumerate(plans)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, len(latencies) / (time.perf_counter() - start)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def main() -> None:
    data_dir = setup_django()
    from django.core.management import call_command

    call_command("demo", "load", verbosity=0)
    cookies = make_sessions(USERS)
    port = free_port()
    env = {**os.environ, "FAZHI_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "fazhi.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                if fetch(port, "/accounts/login/", None)[1] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        # Each role opens the main pages it may reach (the others answer 404).
        reachable = {
            i: [p for p in CANDIDATE_PAGES if fetch(port, p, cookies[i])[1] == 200]
            for i in range(len(USER_CYCLE))
        }
        plans = [(cookie, reachable[i % len(USER_CYCLE)]) for i, cookie in enumerate(cookies)]
        static_plans = [(cookie, ["/static/fazhi/app.css"]) for cookie in cookies]
        load(port, plans[:12], think=False)  # warm-up
        page_lat, page_err, rate = load(port, plans)
        static_lat, static_err, _ = load(port, static_plans)
        saturated_lat, saturated_err, saturated_rate = load(port, plans, think=False)
    finally:
        server.terminate()
        server.wait(timeout=10)
    emit(
        "concurrency",
        p95(page_lat),
        p95(static_lat),
        users=USERS,
        pages={USER_CYCLE[i]: paths for i, paths in reachable.items()},
        requests=len(page_lat),
        p95_ms=round(p95(page_lat) * 1000, 1),
        median_ms=round(statistics.median(page_lat) * 1000, 1),
        errors=page_err,
        requests_per_s=round(rate, 1),
        baseline="p95 of a static file under the same load",
        baseline_errors=static_err,
        target="p95 < 300 ms, zero errors",
        saturated={
            "think_time": 0,
            "p95_ms": round(p95(saturated_lat) * 1000, 1),
            "requests_per_s": round(saturated_rate, 1),
            "errors": saturated_err,
        },
    )


if __name__ == "__main__":
    main()
