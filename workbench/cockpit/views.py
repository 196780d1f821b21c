"""The cockpit's pages: the page itself (the office's home page), each
chart's ECharts option, and each panel as xlsx. All of one year, `?year=`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.http import AuthedRequest
from audit.services import audit_record
from documents.xlsx import XLSX_MIME, file_response
from workbench import cockpit, nav
from workbench.cockpit.access import require_cockpit
from workbench.cockpit.charts import echarts_option
from workbench.cockpit.export import panel_workbook


def chosen_year(request: AuthedRequest) -> tuple[int, list[int]]:
    """`?year=` when it is a year some panel has data for; else the default
    year (cockpit.years), or this year when there is no data at all."""
    years, default = cockpit.years()
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in years:
        return int(raw), years
    return (default if default is not None else timezone.localdate().year), years


def _panel_data(request: AuthedRequest, key: str) -> tuple[int, cockpit.PanelData]:
    require_cockpit(request.user)
    panel = cockpit.panel(key)
    if panel is None:
        raise Http404("驾驶舱中没有该栏目")
    year, _ = chosen_year(request)
    return year, panel.build(year)


def cockpit_page(request: AuthedRequest) -> HttpResponse:
    require_cockpit(request.user)
    year, years = chosen_year(request)
    context: dict[str, Any] = {
        "title": "驾驶舱",
        "year": year,
        "years": years or [year],
        "panels": [p.build(year) for p in cockpit.panels()],
        "todos": nav.todos_for(request.user),
        "year_ignored": bool(request.GET.get("year")) and request.GET.get("year") != str(year),
    }
    return render(request, "workbench/cockpit.html", context)


@login_required
def cockpit_chart(request: AuthedRequest, panel: str, chart: str) -> HttpResponse:
    _, data = _panel_data(request, panel)
    found = data.chart(chart)
    if found is None:
        raise Http404("该图表不存在")
    return JsonResponse(echarts_option(found), json_dumps_params={"ensure_ascii": False})


@login_required
def cockpit_export(request: AuthedRequest, panel: str) -> HttpResponse:
    year, data = _panel_data(request, panel)
    filename = f"驾驶舱_{data.title}_{year}年度.xlsx"
    audit_record(
        actor=request.user,
        action="workbench.cockpit.exported",
        target_repr=data.title,
        data={"panel": panel, "year": year, "filename": filename},
    )
    return file_response(panel_workbook(data, year), filename, XLSX_MIME)
