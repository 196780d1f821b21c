"""The statistics as tables (shown under each chart and exported to xlsx) and as
ECharts options (each bar or slice carries the URL of the list behind it, so
a click drills down). One table per chart: the chart and its export never
disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from problems import workflow
from problems.models import Source
from problems.selectors import AGE_BUCKETS, ProblemStats

Link = Callable[..., str]


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    links: list[str]  # the list behind each row


def _rate(value: Any) -> str:
    return f"{value}%" if value is not None else "—"


def state_table(stats: ProblemStats, link: Link) -> Table:
    rows = [[label, stats.by_state.get(s, 0)] for s, label in workflow.STATE_LABELS.items()]
    return Table("按状态", ["状态", "问题数"], rows, [link(state=s) for s in workflow.STATES])


def source_table(stats: ProblemStats, link: Link) -> Table:
    rows = [[label, stats.by_source.get(s, 0)] for s, label in Source.choices]
    return Table("按来源", ["来源", "问题数"], rows, [link(source=s) for s in Source.values])


def category_table(stats: ProblemStats, link: Link) -> Table:
    rows = [[c, n] for c, n in stats.by_category.items()]
    return Table(
        "按类别",
        ["问题类别", "问题数"],
        rows,
        [link(category=c if c != "未分类" else "") for c in stats.by_category],
    )


def unit_table(stats: ProblemStats, link: Link) -> Table:
    rows = [[u.name, u.total, u.open, u.overdue, u.closed, _rate(u.closure_rate)] for u in stats.by_unit]
    headers = ["责任单位", "问题数", "未办结", "逾期", "已销号", "销号率"]
    return Table("按责任单位", headers, rows, [link(org=u.org_id) for u in stats.by_unit])


def age_table(stats: ProblemStats, link: Link) -> Table:
    rows = [[label, stats.by_age.get(label, 0)] for label, _, _ in AGE_BUCKETS]
    return Table(
        "未办结问题按登记时长",
        ["登记时长", "未办结问题数"],
        rows,
        [link(age=f"{low}-{high if high is not None else ''}") for _, low, high in AGE_BUCKETS],
    )


TABLES: dict[str, Callable[[ProblemStats, Link], Table]] = {
    "state": state_table,
    "source": source_table,
    "category": category_table,
    "unit": unit_table,
    "age": age_table,
}


def _title(text: str) -> dict[str, Any]:
    return {"text": text, "left": "center", "textStyle": {"fontSize": 14}}


def bar_option(table: Table, *, value_column: int = 1) -> dict[str, Any]:
    return {
        "title": _title(table.title),
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 40, "right": 20, "top": 45, "bottom": 30, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [r[0] for r in table.rows],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "name": table.headers[value_column],
                "barMaxWidth": 36,
                "label": {"show": True, "position": "top"},
                "data": [
                    {"value": r[value_column], "url": url}
                    for r, url in zip(table.rows, table.links, strict=True)
                ],
            }
        ],
    }


def pie_option(table: Table) -> dict[str, Any]:
    return {
        "title": _title(table.title),
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [
                    {"name": r[0], "value": r[1], "url": url}
                    for r, url in zip(table.rows, table.links, strict=True)
                    if r[1]
                ],
            }
        ],
    }


def unit_option(table: Table) -> dict[str, Any]:
    """Open (overdue apart) and closed per unit, stacked."""
    names = [r[0] for r in table.rows]

    def series(name: str, values: list[int]) -> dict[str, Any]:
        data = [{"value": v, "url": url} for v, url in zip(values, table.links, strict=True)]
        return {"name": name, "type": "bar", "stack": "n", "barMaxWidth": 30, "data": data}

    return {
        "title": _title("各责任单位问题办理情况"),
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 20, "top": 45, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            series("已逾期", [r[3] for r in table.rows]),
            series("未办结（未逾期）", [r[2] - r[3] for r in table.rows]),
            series("已办结", [r[1] - r[2] for r in table.rows]),
        ],
    }


def option(kind: str, table: Table) -> dict[str, Any]:
    if kind == "source":
        return pie_option(table)
    if kind == "unit":
        return unit_option(table)
    return bar_option(table)
