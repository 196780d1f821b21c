"""A page of the org list through the project's view vs a bare Django view.

The project's page (logged in as 依法治办, 100 rows per page, the full middleware,
template, navigation and sorting) is timed against a bare view that returns the
same rows as plain HTML from `Org.objects.values_list`, both through Django's test
client, at 10, 100 and 1,000 orgs. The number of queries per page must not grow
with the number of orgs.

    PYTHONPATH=. python benchmarks/org_list.py
"""

from __future__ import annotations

import sys
from typing import Any

from common import best_of, emit, setup_django

SIZES = (10, 100, 1000)
PER_PAGE = 100
urlpatterns: list[Any] = []


def bare_org_rows(request: Any) -> Any:
    """The baseline: the same rows, no template, no navigation, no pagination object."""
    from django.http import HttpResponse

    from orgs.models import Org

    rows = Org.objects.order_by("path", "pk").values_list("code", "name", "type", "parent__short_name")[
        :PER_PAGE
    ]
    body = "".join(f"<tr><td>{c}</td><td>{n}</td><td>{t}</td><td>{p or ''}</td></tr>" for c, n, t, p in rows)
    return HttpResponse(f"<table>{body}</table>")


def main() -> int:
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, include, path

    from accounts import roles
    from accounts.models import Role, User
    from orgs.models import Org, OrgType

    # Route the bare view next to the project's URLs, so both go through the same middleware.
    urlpatterns[:] = [path("bench/bare-orgs/", bare_org_rows), path("", include("fazhi.urls"))]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()

    city = Org(code="440700", name="江门市", short_name="江门", type=OrgType.CITY)
    city.path = city.compute_path()
    city.save()
    office_org = Org(code="440700-YFZSB", name="市委依法治市办", type=OrgType.PARTY, parent=city)
    office_org.path = office_org.compute_path()
    office_org.save()
    office = User.objects.create(
        username="office", name="依法治办", org=office_org, role=Role.objects.get(code=roles.OFFICE)
    )
    client = Client()
    client.force_login(office)
    page_url = f"/orgs/?per_page={PER_PAGE}"

    results: dict[str, dict[str, Any]] = {}
    for size in SIZES:
        missing = size - Org.objects.count()
        if missing > 0:
            start = Org.objects.count()
            batch = []
            for i in range(start, start + missing):
                org = Org(
                    code=f"B{i:05d}",
                    name=f"基准测试单位{i:05d}",
                    short_name=f"单位{i}",
                    type=OrgType.DEPARTMENT,
                    parent=city,
                    sort_order=i,
                )
                org.path = org.compute_path()
                batch.append(org)
            Org.objects.bulk_create(batch)
        first = client.get(page_url)
        bare = client.get("/bench/bare-orgs/")
        if first.status_code != 200 or bare.status_code != 200:
            print(
                f'{{"bench": "org_list", "error": "HTTP {first.status_code}/{bare.status_code}"}}',
                file=sys.stderr,
            )
            return 1
        rows = first.content.decode().count('href="/orgs/') - first.content.decode().count('href="/orgs/new')
        with CaptureQueriesContext(connection) as ctx:
            client.get(page_url)
        query_count = len(ctx.captured_queries)  # now: the next request clears the query log
        project_s = best_of(lambda: client.get(page_url))
        baseline_s = best_of(lambda: client.get("/bench/bare-orgs/"))
        results[str(size)] = {
            "rows": min(size, PER_PAGE),
            "links": rows,
            "queries": query_count,
            "project_s": round(project_s, 6),
            "baseline_s": round(baseline_s, 6),
            "ratio": round(project_s / baseline_s, 3),
        }
    largest = results[str(SIZES[-1])]
    queries = [r["queries"] for r in results.values()]
    emit(
        "org_list",
        largest["project_s"],
        largest["baseline_s"],
        orgs=SIZES[-1],
        rows_per_page=PER_PAGE,
        queries_per_page={k: v["queries"] for k, v in results.items()},
        queries_constant=len(set(queries)) == 1,
        sizes=results,
    )
    return 0 if len(set(queries)) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
