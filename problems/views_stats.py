"""统计分析: counts by state, source, category, unit and age, overdue and the
closure rate, as ECharts charts (a click opens the list behind the bar) and
tables; each chart's table downloads as xlsx (audited)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.http import AuthedRequest
from audit.services import audit_record
from documents.xlsx import XLSX_MIME, file_response, table_workbook
from problems import access, charts, selectors
from problems.models import Source, SpecialCampaign
from problems.views import ROOT, _int

STATS_SECONDS = 60


def _scope(request: AuthedRequest) -> tuple[Any, dict[str, Any]]:
    """The user's visible problems, narrowed by year / campaign / source; and those filters."""
    user = request.user
    if not access.can_see_module(user):
        raise Http404("页面不存在")
    year, campaign = _int(request.GET.get("year")), _int(request.GET.get("campaign"))
    source = request.GET.get("source", "")
    source = source if source in Source.values else ""
    qs = selectors.problem_list(access.visible_problems(user), year=year, campaign_id=campaign, source=source)
    chosen = {"year": year, "campaign": campaign, "source": source}
    return qs, {k: v for k, v in chosen.items() if v}


def _stats(request: AuthedRequest, qs: Any, filters: dict[str, Any]) -> selectors.ProblemStats:
    """The page and its five charts ask together: counted once a minute per scope and filters."""
    user = request.user
    scope = "all" if access.is_office(user) else f"{user.role_id}:{user.org_id}"
    today = timezone.localdate()
    key = f"problems:stats:{scope}:{today}:{urlencode(sorted(filters.items()))}"
    stats = cache.get_or_set(key, lambda: selectors.problem_stats(qs, today=today), STATS_SECONDS)
    return stats if isinstance(stats, selectors.ProblemStats) else selectors.problem_stats(qs, today=today)


def _link(filters: dict[str, Any]) -> charts.Link:
    base = reverse("problems:list")

    def link(**params: Any) -> str:
        return f"{base}?{urlencode({**filters, **params})}"

    return link


@login_required
def stats_page(request: AuthedRequest) -> HttpResponse:
    qs, filters = _scope(request)
    stats = _stats(request, qs, filters)
    link = _link(filters)
    tables = [(kind, build(stats, link)) for kind, build in charts.TABLES.items()]
    query = urlencode(filters)
    context = {
        "stats": stats,
        "tables": tables,
        "query": query,
        "filters": filters,
        "link_overdue": link(overdue=1),
        "link_open": link(open=1),
        "link_closed": link(state="closed"),
        "link_supervised": link(supervised=1),
        "sources": Source.choices,
        "campaigns": list(SpecialCampaign.objects.values_list("pk", "name"))
        if access.is_office(request.user)
        else [],
        "title": "问题统计分析",
        "breadcrumbs": [ROOT, ("统计分析", None)],
    }
    return render(request, "problems/stats.html", context)


def _table(request: AuthedRequest, kind: str) -> charts.Table:
    if kind not in charts.TABLES:
        raise Http404("图表不存在")
    qs, filters = _scope(request)
    return charts.TABLES[kind](_stats(request, qs, filters), _link(filters))


@login_required
def stats_chart(request: AuthedRequest, kind: str) -> HttpResponse:
    return JsonResponse(charts.option(kind, _table(request, kind)), json_dumps_params={"ensure_ascii": False})


@login_required
def stats_xlsx(request: AuthedRequest, kind: str) -> HttpResponse:
    table = _table(request, kind)
    filename = f"问题统计（{table.title}）.xlsx"
    audit_record(
        actor=request.user, action="problems.stats.exported", target_repr=filename, data={"kind": kind}
    )
    return file_response(table_workbook([(table.title, table.headers, table.rows)]), filename, XLSX_MIME)
