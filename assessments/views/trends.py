"""历年对比: one target's published results across years, as tables, charts and xlsx."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.access import require
from accounts.http import AuthedRequest
from assessments import access
from assessments.selectors import trends
from audit.services import audit_record
from documents.xlsx import XLSX_MIME, file_response, table_workbook


def _trend_target(user: Any, code: str | None, choices: list[tuple[str, str]]) -> str | None:
    if access.is_target(user):
        return user.org.code
    require(access.can_manage(user))
    codes = [c for c, _ in choices]
    return code if code in codes else (codes[0] if codes else None)


def _trend(request: AuthedRequest) -> tuple[trends.Trend | None, list[tuple[str, str]]]:
    publications = trends.published_by_year()
    imported = trends.imported_by_year(publications)
    choices = trends.targets_published(publications, imported)
    code = _trend_target(request.user, request.GET.get("target"), choices)
    return (trends.target_trend(code, publications, imported) if code else None), choices


@login_required
def trends_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(access.can_manage(user) or access.is_target(user))
    trend, choices = _trend(request)
    context: dict[str, Any] = {
        "trend": trend,
        "choices": choices,
        "can_choose": access.can_manage(user),
        "title": "历年对比",
        "breadcrumbs": [("考评结果", reverse("assessments:results_index")), ("历年对比", None)],
    }
    if trend is not None:
        context.update(
            total_table=trends.total_table(trend),
            section_table=trends.series_table(trend, trend.sections, "板块"),
            indicator_table=trends.series_table(trend, trend.indicators, "指标"),
        )
    return render(request, "assessments/results/trends.html", context)


CHARTS = {
    "total": trends.total_chart,
    "sections": trends.sections_chart,
    "indicators": trends.indicators_chart,
}


@login_required
def trends_chart(request: AuthedRequest, kind: str) -> HttpResponse:
    user = request.user
    require(access.can_manage(user) or access.is_target(user))
    if kind not in CHARTS:
        raise Http404("图表不存在")
    trend, _ = _trend(request)
    if trend is None:
        return JsonResponse({"title": {"text": "暂无已公布的考评结果", "left": "center"}})
    return JsonResponse(CHARTS[kind](trend), json_dumps_params={"ensure_ascii": False})


@login_required
def trends_xlsx(request: AuthedRequest, kind: str) -> HttpResponse:
    user = request.user
    require(access.can_manage(user) or access.is_target(user))
    trend, _ = _trend(request)
    if trend is None or kind not in CHARTS:
        raise Http404("暂无数据")
    tables = {
        "total": ("历年总分", *trends.total_table(trend)),
        "sections": ("各板块得分", *trends.series_table(trend, trend.sections, "板块")),
        "indicators": ("各指标得分", *trends.series_table(trend, trend.indicators, "指标")),
    }
    title, headers, rows = tables[kind]
    filename = f"{trend.name}历年考评对比（{title}）.xlsx"
    audit_record(
        actor=user,
        action="assessments.trends.exported",
        target_repr=trend.name,
        data={"target": trend.code, "kind": kind, "filename": filename},
    )
    return file_response(table_workbook([(title, headers, trends.xlsx_rows(rows))]), filename, XLSX_MIME)
