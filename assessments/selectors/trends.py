"""Year over year: one target's published results across years, per 板块 and
indicator, read from the immutable publication snapshots (one query). 板块 are
matched across years by name, indicators by code (frameworks are cloned from
last year's, so codes carry over); the latest year's names are shown. Years
before the system (imported by `services.history`) add their total, grade and
rank only, marked as imported; a published year always wins over an import."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from assessments.models import ImportedResult, Publication


@dataclass
class Series:
    key: str
    label: str
    values: dict[int, Decimal | None] = field(default_factory=dict)  # year -> points
    maxima: dict[int, Decimal | None] = field(default_factory=dict)  # year -> 分值


@dataclass
class Trend:
    code: str
    name: str
    years: list[int]
    totals: dict[int, dict[str, Any]]  # year -> {"total", "rank", "of", "grade"}
    sections: list[Series]
    indicators: list[Series]


def published_by_year() -> dict[int, Publication]:
    """The latest publication of each year."""
    result: dict[int, Publication] = {}
    for pub in Publication.objects.select_related("campaign").order_by("campaign__year", "published_at"):
        result[pub.campaign.year] = pub
    return result


def imported_by_year(publications: dict[int, Publication]) -> dict[int, list[ImportedResult]]:
    """Imported past results of the years the system did not publish itself."""
    result: dict[int, list[ImportedResult]] = {}
    for row in ImportedResult.objects.exclude(year__in=list(publications)).select_related("target"):
        result.setdefault(row.year, []).append(row)
    return result


def targets_published(
    publications: dict[int, Publication], imported: dict[int, list[ImportedResult]] | None = None
) -> list[tuple[str, str]]:
    """(code, name) of every target that appears in a published or imported ranking."""
    names: dict[str, str] = {}
    for year in sorted(imported or {}):
        for r in (imported or {})[year]:
            names[r.target.code] = r.target.display_name
    for year in sorted(publications):
        for row in publications[year].snapshot.get("ranking", []):
            names[row["code"]] = row["name"]
    return sorted(names.items())


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _imported_total(rows: list[ImportedResult], code: str) -> tuple[str, dict[str, Any]] | None:
    row = next((r for r in rows if r.target.code == code), None)
    if row is None:
        return None
    total = {"total": row.total, "rank": row.rank, "of": len(rows), "grade": row.grade, "imported": True}
    return row.target.display_name, total


def target_trend(
    code: str,
    publications: dict[int, Publication] | None = None,
    imported: dict[int, list[ImportedResult]] | None = None,
) -> Trend | None:
    publications = published_by_year() if publications is None else publications
    imported = imported_by_year(publications) if imported is None else imported
    years: list[int] = []
    totals: dict[int, dict[str, Any]] = {}
    sections: dict[str, Series] = {}
    indicators: dict[str, Series] = {}
    order: dict[str, int] = {}  # indicator code -> position in the latest framework
    name = ""
    for year in sorted({*publications, *imported}):
        if year not in publications:
            found = _imported_total(imported[year], code)
            if found is not None:
                years.append(year)
                name, totals[year] = found
            continue
        snap = publications[year].snapshot
        row = next((r for r in snap.get("ranking", []) if r["code"] == code), None)
        if row is None:
            continue
        years.append(year)
        name = row["name"]
        totals[year] = {
            "total": _dec(row["total"]),
            "rank": row["rank"],
            "of": len(snap["ranking"]),
            "grade": row["grade"],
        }
        by_section = snap.get("section_totals", {}).get(code, {})
        for s in snap.get("sections", []):
            series = sections.setdefault(s["name"], Series(s["name"], s["name"]))
            series.values[year] = _dec(by_section.get(s["code"]))
            series.maxima[year] = _dec(s.get("max"))
        scores = snap.get("scores", {}).get(code, {})
        order = {ind["code"]: i for i, ind in enumerate(snap.get("indicators", []))}
        for ind in snap.get("indicators", []):
            series = indicators.setdefault(ind["code"], Series(ind["code"], ind["name"]))
            series.label = f"{ind['code']} {ind['name']}"
            series.values[year] = _dec(scores.get(ind["code"]))
            series.maxima[year] = _dec(ind.get("max"))
    if not years:
        return None
    return Trend(
        code=code,
        name=name,
        years=years,
        totals=totals,
        sections=list(sections.values()),
        # the latest framework's order; indicators dropped since then at the end
        indicators=sorted(indicators.values(), key=lambda s: (order.get(s.key, len(order)), s.key)),
    )


# --------------------------------------------------------------------------- tables (page and xlsx)


def total_table(trend: Trend) -> tuple[list[str], list[list[Any]]]:
    headers = ["年度", "总分", "名次", "参评单位数", "等次", "来源"]
    rows = [
        [
            y,
            _f(trend.totals[y]["total"]),
            trend.totals[y]["rank"],
            trend.totals[y]["of"],
            trend.totals[y]["grade"],
            "导入" if trend.totals[y].get("imported") else "本系统公布",
        ]
        for y in trend.years
    ]
    return headers, rows


def series_table(trend: Trend, series: list[Series], first: str) -> tuple[list[str], list[list[Any]]]:
    headers = [first, *[f"{y}年" for y in trend.years], "变化"]
    rows = []
    for s in series:
        values = [s.values.get(y) for y in trend.years]
        present = [v for v in values if v is not None]
        change = present[-1] - present[-2] if len(present) >= 2 else None
        rows.append([s.label, *values, change])
    return headers, rows


def xlsx_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Points as numbers Excel can sum."""
    return [[float(v) if isinstance(v, Decimal) else v for v in row] for row in rows]


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --------------------------------------------------------------------------- ECharts options


def total_chart(trend: Trend) -> dict[str, Any]:
    years = [str(y) for y in trend.years]
    return {
        "title": {"text": f"{trend.name}历年总分与名次", "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "data": ["总分", "名次"]},
        "grid": {"left": 50, "right": 50, "top": 50, "bottom": 50},
        "xAxis": {"type": "category", "data": years},
        "yAxis": [
            {"type": "value", "name": "总分", "scale": True},
            {
                "type": "value",
                "name": "名次",
                "inverse": True,
                "minInterval": 1,
                "min": 1,
                "max": max(t["of"] for t in trend.totals.values()),
                "splitLine": {"show": False},
            },
        ],
        "series": [
            {
                "name": "总分",
                "type": "line",
                "data": [_f(trend.totals[y]["total"]) for y in trend.years],
                "label": {"show": True},
            },
            {
                "name": "名次",
                "type": "line",
                "yAxisIndex": 1,
                "lineStyle": {"type": "dashed"},
                "symbol": "diamond",
                "symbolSize": 10,
                "data": [trend.totals[y]["rank"] for y in trend.years],
                "label": {"show": True, "position": "bottom", "formatter": "第{c}名"},
            },
        ],
    }


def sections_chart(trend: Trend) -> dict[str, Any]:
    """得分率 (得分 ÷ 分值) per 板块, one bar per year: comparable when 分值 change."""
    names = [s.label for s in trend.sections]
    series = []
    for y in trend.years:
        data = []
        for s in trend.sections:
            value, maximum = s.values.get(y), s.maxima.get(y)
            data.append(round(float(value / maximum * 100), 1) if value is not None and maximum else None)
        series.append({"name": f"{y}年", "type": "bar", "data": data, "barMaxWidth": 28})
    return {
        "title": {"text": f"{trend.name}各板块得分率（%）", "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 50, "right": 20, "top": 50, "bottom": 70, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": names,
            "axisLabel": {"interval": 0, "width": 90, "overflow": "break"},
        },
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": series,
    }


def indicators_chart(trend: Trend) -> dict[str, Any]:
    """Points lost per indicator and year (indicators that ever lost points)."""
    rows = []
    for s in trend.indicators:
        lost = []
        for y in trend.years:
            value, maximum = s.values.get(y), s.maxima.get(y)
            lost.append(float(maximum - value) if value is not None and maximum is not None else None)
        if any(v for v in lost):
            rows.append((s.key, lost))
    return {
        "title": {"text": f"{trend.name}各指标失分", "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 20, "top": 50, "bottom": 60, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [code for code, _ in rows],
            "axisLabel": {"interval": 0, "rotate": 45},
        },
        "yAxis": {"type": "value", "name": "失分"},
        "series": [
            {"name": f"{y}年", "type": "bar", "data": [lost[i] for _, lost in rows]}
            for i, y in enumerate(trend.years)
        ],
    }
