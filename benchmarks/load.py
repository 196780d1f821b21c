"""100 concurrent simulated users against production mode (#13 item 3; DESIGN §5).

Production mode as deployed (fazhi/tests/prodserver.py: FAZHI_PRODUCTION=1, gunicorn with
deploy/gunicorn.conf.py, PostgreSQL, Redis for cache and sessions, the task worker) on a
database of its own with the demo data; this process is the second process, on loopback.

Each simulated user logs in through the log-in form (its own session; the users arrive over
RAMP_S seconds), then, when all have, round after round with a think time of 0.5–1.5 s (seeded), opens the home page, the lists its role may
open, a detail page, saves a score of its own through the API with the version it read
(assessing units), and downloads an export. Bounded: at most ROUNDS rounds and
THINK_LIMIT_S seconds. Each user's first round starts at a random moment within STAGGER_S
(about one round), as people who are already at work do not click in step.
p50/p95/p99 are over those page views, saves and exports; the log-ins
are reported on their own (`login`), since the password hash is slow on purpose.

`burst` is the opposite case, reported on its own: all the users open the home page within
BURST_S (everyone at nine in the morning), the heaviest page; its p95 is the queue that builds.

Throughput is measured saturated: the same users with no think time, bounded by
SATURATED_REQUESTS and SATURATED_LIMIT_S, on their pages (`rps`) and on /healthz
(`baseline_rps`, a view with no template and no query); `ratio` = rps / baseline_rps.

Skips with a message (exit 0) when PostgreSQL or Redis cannot be reached.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fazhi.tests.prodserver import Browser, ProductionSite, services_missing

USERS = 100
ROUNDS = 3
RAMP_S = 30.0
STAGGER_S = 10.0
BURST_S = 1.0
THINK_LIMIT_S = 90.0
SATURATED_REQUESTS = 2000
SATURATED_LIMIT_S = 30.0
PASSWORD = "Demo@2023"  # the documented demo credential (accounts/demo.py)
ACCOUNTS = [
    "office",
    "pengjiang",
    "assessor_szfb",
    "jianghai",
    "assessor_zfw",
    "xinhui",
    "assessor_xcb",
    "taishan",
    "assessor_swb",
    "assessor_zzb",
]
LISTS = [
    "/assessments/campaigns/",
    "/assessments/results/",
    "/assessments/appeals/",
    "/performance/",
    "/provincial/tasks/",
    "/notices/",
    "/jobs/",
]
EXPORTS = ["/provincial/results/export.xlsx", "/assessments/campaigns/{campaign}/matrix.xlsx"]


@dataclass
class Plan:
    """What one account's users do each round (found by asking the server, as the role may)."""

    pages: list[str]
    export: str | None
    scores: list[int] = field(default_factory=list)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    logins: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, what: str, elapsed: float, ok: bool, *, login: bool = False) -> None:
        with self.lock:
            (self.logins if login else self.latencies).append(elapsed)
            if not ok:
                self.errors[what] = self.errors.get(what, 0) + 1


def timed(call: Callable[[], tuple[int, dict[str, str], bytes]]) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    try:
        status, _, body = call()
    except OSError:
        status, body = 0, b""
    return time.perf_counter() - start, status, body


def plan_for(base: str, username: str, campaign: str) -> Plan:
    browser = Browser(base)
    if browser.log_in(username, PASSWORD) != 302:
        raise RuntimeError(f"demo account {username} cannot log in")
    pages = [p for p in LISTS if browser.get(p)[0] == 200]
    details = [f"/assessments/campaigns/{campaign}/", "/provincial/frameworks/", "/orgs/"]
    detail = next((d for d in details if browser.get(d)[0] == 200), None)
    exports = [e.format(campaign=campaign) for e in EXPORTS]
    export = next((e for e in exports if browser.get(e)[0] == 200), None)
    status, _, body = browser.get(f"/api/v1/assessments/scores/?campaign={campaign}&limit=200")
    scores = []
    if status == 200 and username.startswith("assessor_"):
        scores = [s["id"] for s in json.loads(body)["results"] if s["status"] == "draft"]
    return Plan(pages=["/", *pages, *([detail] if detail else [])], export=export, scores=scores)


def save_score(browser: Browser, score: int, tally: Tally, rng: random.Random) -> None:
    url = f"/api/v1/assessments/scores/{score}/"
    elapsed, status, body = timed(lambda: browser.get(url))
    tally.note("score_read", elapsed, status == 200)
    if status != 200:
        return
    read = json.loads(body)
    form = {
        "version": str(read["version"]),
        "base": str(read["max_score"]),
        "reason": f"负载测试 {rng.random():.4f}",
    }
    elapsed, status, _ = timed(lambda: browser.request("PUT", url, form))
    tally.note("score_save", elapsed, status == 200)


def user_round(
    browser: Browser, plan: Plan, score: int | None, tally: Tally, think: Callable[[], None]
) -> None:
    for path in plan.pages:
        elapsed, status, _ = timed(lambda p=path: browser.get(p))  # type: ignore[misc]
        tally.note(path, elapsed, status == 200)
        think()
    if score is not None:
        save_score(browser, score, tally, random.Random(score))
        think()
    if plan.export:
        elapsed, status, body = timed(lambda: browser.get(plan.export or ""))
        tally.note("export", elapsed, status == 200 and body[:2] == b"PK")
        think()


def log_in_all(base: str, users: list[tuple[str, Plan, int | None]]) -> tuple[Tally, list[Browser]]:
    """Every user logs in through the form, arriving over RAMP_S seconds."""
    tally = Tally()
    browsers = [Browser(base) for _ in users]

    def user(index: int) -> None:
        time.sleep(random.Random(index).uniform(0, RAMP_S))
        browser = browsers[index]
        elapsed, status, _ = timed(lambda: (browser.log_in(users[index][0], PASSWORD, timeout=120), {}, b""))
        tally.note("login", elapsed, status == 302, login=True)

    run_threads(user, len(users))
    return tally, browsers


def think_time_run(browsers: list[Browser], users: list[tuple[str, Plan, int | None]]) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.monotonic() + THINK_LIMIT_S

    def user(index: int) -> None:
        _, plan, score = users[index]
        rng = random.Random(index)
        time.sleep(rng.uniform(0, STAGGER_S))
        for _ in range(ROUNDS):
            if time.monotonic() > deadline:
                return
            user_round(browsers[index], plan, score, tally, lambda: time.sleep(rng.uniform(0.5, 1.5)))

    start = time.perf_counter()
    run_threads(user, len(users))
    return tally, time.perf_counter() - start


def burst_run(browsers: list[Browser]) -> Tally:
    """Every user opens the home page once, all within BURST_S."""
    tally = Tally()

    def user(index: int) -> None:
        time.sleep(random.Random(-index).uniform(0, BURST_S))
        elapsed, status, _ = timed(lambda: browsers[index].get("/"))
        tally.note("burst /", elapsed, status == 200)

    run_threads(user, len(browsers))
    return tally


def saturated_run(work: Callable[[int, Tally], None], n: int) -> tuple[Tally, float]:
    """`n` users with no think time until SATURATED_REQUESTS or SATURATED_LIMIT_S; the rate."""
    tally = Tally()
    deadline = time.monotonic() + SATURATED_LIMIT_S

    def user(index: int) -> None:
        while time.monotonic() < deadline and len(tally.latencies) < SATURATED_REQUESTS:
            work(index, tally)

    start = time.perf_counter()
    run_threads(user, n)
    return tally, len(tally.latencies) / (time.perf_counter() - start)


def run_threads(target: Callable[[int], None], n: int) -> None:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def percentile(values: list[float], p: int) -> float:
    return round(statistics.quantiles(values, n=100)[p - 1] * 1000, 1) if len(values) > 1 else 0.0


def assign(plans: dict[str, Plan]) -> list[tuple[str, Plan, int | None]]:
    """USERS simulated users over the accounts; each saving user gets a score of its own."""
    free = {name: list(plan.scores) for name, plan in plans.items()}
    users = []
    for i in range(USERS):
        name = ACCOUNTS[i % len(ACCOUNTS)]
        users.append((name, plans[name], free[name].pop() if free[name] else None))
    return users


def measure(site: ProductionSite) -> dict[str, object]:
    base = site.start_web(
        # deploy/gunicorn.conf.py's defaults, or BENCH_WORKERS / BENCH_THREADS to compare
        workers=int(os.environ.get("BENCH_WORKERS", (os.cpu_count() or 1) + 1)),
        threads=int(os.environ.get("BENCH_THREADS", 2)),
    )
    site.start_worker()
    campaigns = re.findall(
        r'href="/assessments/campaigns/(\d+)/"', _office_page(base, "/assessments/campaigns/")
    )
    campaign = max(campaigns, key=int)
    plans = {name: plan_for(base, name, campaign) for name in ACCOUNTS}
    users = assign(plans)
    logins, browsers = log_in_all(base, users)
    tally, think_s = think_time_run(browsers, users)
    burst = burst_run(browsers)

    def pages(index: int, t: Tally) -> None:
        user_round(browsers[index], users[index][1], None, t, lambda: None)

    def hello(index: int, t: Tally) -> None:
        elapsed, status, _ = timed(lambda: browsers[index].get("/healthz"))
        t.note("/healthz", elapsed, status == 200)

    saturated, rps = saturated_run(pages, USERS)
    baseline, baseline_rps = saturated_run(hello, USERS)
    errors = {k: v for t in (logins, tally, burst, saturated, baseline) for k, v in t.errors.items()}
    return {
        "users": USERS,
        "requests": len(tally.latencies),
        "p50_ms": percentile(tally.latencies, 50),
        "p95_ms": percentile(tally.latencies, 95),
        "p99_ms": percentile(tally.latencies, 99),
        "errors": sum(errors.values()),
        "errors_by_page": errors,
        "offered_rps": round(len(tally.latencies) / think_s, 1),
        "rps": round(rps, 1),
        "baseline_rps": round(baseline_rps, 1),
        "ratio": round(rps / baseline_rps, 3) if baseline_rps else None,
        "saturated_p95_ms": percentile(saturated.latencies, 95),
        "start_stagger_s": STAGGER_S,
        "burst": {
            "requests": len(burst.latencies),
            "within_s": BURST_S,
            "p50_ms": percentile(burst.latencies, 50),
            "p95_ms": percentile(burst.latencies, 95),
            "max_ms": round(max(burst.latencies, default=0) * 1000, 1),
        },
        "login": {
            "count": len(logins.logins),
            "over_s": RAMP_S,
            "p50_ms": percentile(logins.logins, 50),
            "p95_ms": percentile(logins.logins, 95),
        },
        "savers": sum(1 for _, _, score in users if score is not None),
        "pages": {
            name: [*plan.pages, *([plan.export] if plan.export else [])] for name, plan in plans.items()
        },
    }


def _office_page(base: str, path: str) -> str:
    browser = Browser(base)
    browser.log_in("office", PASSWORD)
    return browser.get(path)[2].decode()


def main() -> int:
    database_url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/fazhi"
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
    why = "负载基准测试在生产模式下运行，需要 PostgreSQL 和 Redis（DATABASE_URL、REDIS_URL），已跳过"
    if reason := services_missing(database_url, redis_url, why=why):
        print(json.dumps({"bench": "load", "skipped": reason}, ensure_ascii=False), flush=True)
        return 0
    site = ProductionSite(database_url=database_url, redis_url=redis_url, name="fazhi_load")
    try:
        started = time.perf_counter()
        site.prepare(demo=True)
        prepare_s = time.perf_counter() - started
        result = measure(site)
    finally:
        site.close()
    load_avg = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(
        json.dumps(
            {
                "bench": "load",
                **result,
                "target": "p95 < 300 ms, 0 errors, ratio ≥ 0.3",
                "cores": os.cpu_count(),
                "load_average": [round(x, 2) for x in load_avg] if load_avg else None,
                "prepare_s": round(prepare_s, 1),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
