"""The problem tracker at 100,000 problems: the list page (first page, with filters)
and the statistics, through the project's view and selectors, against raw SQL
returning the same rows, in the same run.

- list: GET /problems/?state=rectifying&source=campaign as 依法治办 (full middleware,
  template, navigation, pagination with its count) vs a bare view behind the same
  middleware that runs one raw SELECT … LIMIT 25 and one COUNT(*) with the same
  filters and order and writes the rows as plain HTML. The rows are compared first.
- stats: `problems.selectors.problem_stats()` (by state, source, category, unit,
  age, overdue) vs the same counts by raw GROUP BY queries; the results are compared.

Both at 1,000 and at 100,000 problems: the number of queries of the page and of
the statistics must not grow. Exit 1 when a ratio passes MAX_RATIO or a count grows.

    PYTHONPATH=. python benchmarks/problems.py
"""

from __future__ import annotations

import datetime
import random
import sys
from pathlib import Path
from typing import Any

from common import best_of, emit, setup_django

# This script shares its name with the `problems` app: drop its own folder from
# the path (common is imported) so that `import problems` finds the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

SIZES = (1_000, 100_000)
MAX_RATIO = 3.0
REPEAT = 9  # medians of 9 runs: the machine is shared
FILTERS = {"state": "rectifying", "source": "campaign"}
PER_PAGE = 25
urlpatterns: list[Any] = []

LIST_SQL = """
SELECT p.id, p.title, o.name, p.source, p.severity, p.state, p.deadline, p.registered_at, c.name
FROM problems_problem p
JOIN orgs_org o ON o.id = p.org_id
LEFT JOIN problems_specialcampaign c ON c.id = p.campaign_id
WHERE p.state = %s AND p.source = %s
ORDER BY p.registered_at DESC, p.id ASC
LIMIT 25
"""
COUNT_SQL = "SELECT COUNT(*) FROM problems_problem WHERE state = %s AND source = %s"


def bare_problem_rows(request: Any) -> Any:
    """The baseline page: the same rows and count by raw SQL, as plain HTML."""
    from django.db import connection
    from django.http import HttpResponse

    with connection.cursor() as cursor:
        cursor.execute(LIST_SQL, [FILTERS["state"], FILTERS["source"]])
        rows = cursor.fetchall()
        cursor.execute(COUNT_SQL, [FILTERS["state"], FILTERS["source"]])
        total = cursor.fetchone()[0]
    body = "".join(
        f'<tr><td><a href="/problems/{r[0]}/">{r[0]}</a></td><td>{r[1]}</td><td>{r[2]}</td><td>{r[3]}</td>'
        f"<td>{r[4]}</td><td>{r[5]}</td><td>{r[6]}</td><td>{r[7]}</td><td>{r[8] or ''}</td></tr>"
        for r in rows
    )
    return HttpResponse(f"<p>共 {total} 条</p><table>{body}</table>")


def raw_stats(today: datetime.date) -> dict[str, Any]:
    """The counts of problem_stats() by hand-written GROUP BY queries."""
    from django.db import connection
    from django.utils import timezone

    from problems import workflow
    from problems.selectors import AGE_BUCKETS

    running = tuple(workflow.RUNNING)
    open_ = tuple(workflow.OPEN)
    now = timezone.now()
    marks = ", ".join(["%s"] * len(running))
    open_marks = ", ".join(["%s"] * len(open_))
    out: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for key in ("state", "source", "category"):
            cursor.execute(f"SELECT {key}, COUNT(*) FROM problems_problem GROUP BY {key}")
            out[key] = dict(cursor.fetchall())
        cursor.execute(
            f"""SELECT org_id, COUNT(*),
                   SUM(CASE WHEN state IN ({open_marks}) THEN 1 ELSE 0 END),
                   SUM(CASE WHEN state IN ({marks}) AND deadline < %s THEN 1 ELSE 0 END),
                   SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END)
                FROM problems_problem GROUP BY org_id""",
            [*open_, *running, today],
        )
        out["unit"] = {r[0]: tuple(int(v) for v in r[1:]) for r in cursor.fetchall()}
        ages = []
        params: list[Any] = []
        for _, low, high in AGE_BUCKETS:
            condition = f"state IN ({open_marks}) AND registered_at <= %s"
            params += [*open_, now - datetime.timedelta(days=low)]
            if high is not None:
                condition += " AND registered_at > %s"
                params.append(now - datetime.timedelta(days=high + 1))
            ages.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
        cursor.execute(
            f"SELECT SUM(CASE WHEN state IN ({marks}) AND deadline < %s THEN 1 ELSE 0 END), {', '.join(ages)} "
            "FROM problems_problem",
            [*running, today, *params],
        )
        row = cursor.fetchone()
        out["overdue"], out["age"] = int(row[0] or 0), [int(v or 0) for v in row[1:]]
    return out


def project_stats(today: datetime.date) -> dict[str, Any]:
    from problems.selectors import AGE_BUCKETS, problem_stats

    stats = problem_stats(today=today)
    return {
        "state": stats.by_state,
        "source": stats.by_source,
        "category": {("" if k == "未分类" else k): v for k, v in stats.by_category.items()},
        "unit": {u.org_id: (u.total, u.open, u.overdue, u.closed) for u in stats.by_unit},
        "overdue": stats.overdue,
        "age": [stats.by_age[label] for label, _, _ in AGE_BUCKETS],
    }


def populate(target: int, orgs: list[Any], campaign: Any, office: Any, rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from problems import workflow
    from problems.models import Problem

    states = list(workflow.STATES)
    weights = [3, 4, 1, 4, 2, 10, 3, 2, 40, 2]
    sources = ["inspection", "campaign", "assessment", "public_report", "hotline", "other"]
    categories = ["逐利执法", "执法不规范", "执法方式简单僵化", ""]
    now = timezone.now()
    start = Problem.objects.count()
    with transaction.atomic():
        batch = []
        for i in range(start, target):
            registered = now - datetime.timedelta(days=rng.randint(0, 1000), minutes=rng.randint(0, 1440))
            source = rng.choice(sources)
            batch.append(
                Problem(
                    source=source,
                    category=rng.choice(categories),
                    title=f"基准测试问题线索{i:06d}：某路段执法不规范",
                    org=rng.choice(orgs),
                    severity=rng.choice(["normal", "normal", "serious", "grave"]),
                    supervised=rng.random() < 0.02,
                    state=rng.choices(states, weights)[0],
                    deadline=(registered + datetime.timedelta(days=rng.randint(10, 90))).date(),
                    campaign=campaign if source == "campaign" else None,
                    registered_by=office,
                    registered_at=registered,
                )
            )
            if len(batch) == 5000:
                Problem.objects.bulk_create(batch)
                batch = []
        Problem.objects.bulk_create(batch)


def main() -> int:
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, include, path
    from django.utils import timezone

    from accounts import roles
    from accounts.models import Role, User
    from orgs.models import Org, OrgType
    from problems.models import SpecialCampaign

    urlpatterns[:] = [path("bench/bare-problems/", bare_problem_rows), path("", include("fazhi.urls"))]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()

    def org(code: str, name: str, type_: str, parent: Org | None = None, order: int = 0) -> Org:
        o = Org(code=code, name=name, short_name=name, type=type_, parent=parent, sort_order=order)
        o.path = o.compute_path()
        o.save()
        return o

    city = org("440700", "江门市", OrgType.CITY)
    office_org = org("440700-YFZSB", "市委依法治市办", OrgType.PARTY, city)
    units = [org(f"B{i:04d}", f"基准测试单位{i:03d}", OrgType.COUNTY, city, i) for i in range(100)]
    office = User.objects.create(
        username="office", name="依法治办", org=office_org, role=Role.objects.get(code=roles.OFFICE)
    )
    campaign = SpecialCampaign.objects.create(
        name="基准测试专项整治", year=2023, start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2023, 12, 31),
        categories=["逐利执法", "执法不规范", "执法方式简单僵化"],
    )  # fmt: skip
    client = Client()
    client.force_login(office)
    query = "&".join(f"{k}={v}" for k, v in FILTERS.items())
    page_url = f"/problems/?{query}"
    today = timezone.localdate()
    rng = random.Random(2023)
    results: dict[str, dict[str, Any]] = {}
    for size in SIZES:
        populate(size, units, campaign, office, rng)
        page, bare = client.get(page_url), client.get("/bench/bare-problems/")
        if page.status_code != 200 or bare.status_code != 200:
            print(
                f'{{"bench": "problems", "error": "HTTP {page.status_code}/{bare.status_code}"}}',
                file=sys.stderr,
            )
            return 1
        same_rows = _row_ids(page.content.decode()) == _row_ids(bare.content.decode())
        same_stats = project_stats(today) == raw_stats(today)
        with CaptureQueriesContext(connection) as captured:
            client.get(page_url)
        list_count = len(captured.captured_queries)  # now: the query log is a bounded deque
        with CaptureQueriesContext(connection) as captured:
            project_stats(today)
        stats_count = len(captured.captured_queries)
        list_s = best_of(lambda: client.get(page_url), repeat=REPEAT)
        bare_s = best_of(lambda: client.get("/bench/bare-problems/"), repeat=REPEAT)
        stats_s = best_of(lambda: project_stats(today), repeat=REPEAT)
        raw_s = best_of(lambda: raw_stats(today), repeat=REPEAT)
        results[str(size)] = {
            "same_rows": same_rows,
            "same_stats": same_stats,
            "list_queries": list_count,
            "stats_queries": stats_count,
            "list_s": round(list_s, 6),
            "list_baseline_s": round(bare_s, 6),
            "list_ratio": round(list_s / bare_s, 3),
            "stats_s": round(stats_s, 6),
            "stats_baseline_s": round(raw_s, 6),
            "stats_ratio": round(stats_s / raw_s, 3),
        }
    largest = results[str(SIZES[-1])]
    constant = (
        len({r["list_queries"] for r in results.values()}) == 1
        and len({r["stats_queries"] for r in results.values()}) == 1
    )
    ok = (
        constant
        and all(r["same_rows"] and r["same_stats"] for r in results.values())
        and largest["list_ratio"] <= MAX_RATIO
        and largest["stats_ratio"] <= MAX_RATIO
    )
    emit(
        "problems",
        largest["list_s"] + largest["stats_s"],
        largest["list_baseline_s"] + largest["stats_baseline_s"],
        problems=SIZES[-1],
        filters=FILTERS,
        list_ratio=largest["list_ratio"],
        stats_ratio=largest["stats_ratio"],
        max_ratio=MAX_RATIO,
        queries_constant=constant,
        ok=ok,
        sizes=results,
    )
    return 0 if ok else 1


def _row_ids(html: str) -> list[str]:
    import re

    seen: list[str] = []
    for pk in re.findall(r'href="/problems/(\d+)/"', html):
        if pk not in seen:
            seen.append(pk)
    return seen


if __name__ == "__main__":
    sys.exit(main())
