"""A cockpit chart as an ECharts option (what static/fazhi/app.js draws). Each
point carries `url`, the list behind it: app.js opens it on a click."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workbench.cockpit import Chart, Number

# units of things counted one by one
COUNTED = ("个", "件", "条", "份")

PALETTE = ["#2f6fb0", "#4caf7d", "#e0a030", "#d9534f", "#7b61c4", "#3bb3c3", "#8a8a8a"]


def _num(value: Number) -> float | int | None:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _point(value: Number, url: str | None) -> dict[str, Any]:
    point: dict[str, Any] = {"value": _num(value)}
    if url:
        point["url"] = url
    return point


def _pie(chart: Chart) -> dict[str, Any]:
    series = chart.series[0]
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）", "renderMode": "richText"},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {
                "name": series.name,
                "type": "pie",
                "radius": ["35%", "65%"],
                "label": {"formatter": "{b}\n{c}"},
                "data": [
                    {**_point(series.values[i], series.link(i)), "name": name}
                    for i, name in enumerate(chart.categories)
                ],
            }
        ],
    }


def _bars(chart: Chart) -> dict[str, Any]:
    horizontal = chart.kind == "hbar"
    label: dict[str, Any] = {"interval": 0}
    category_axis: dict[str, Any] = {"type": "category", "data": chart.categories, "axisLabel": label}
    if horizontal:
        category_axis["inverse"] = True
        label["width"] = 140
        label["overflow"] = "truncate"
    else:
        label["rotate"] = 30 if len(chart.categories) > 5 else 0
    value_axis: dict[str, Any] = {"type": "value", "name": chart.unit}
    if chart.max_value is not None:
        value_axis["max"] = _num(chart.max_value)
    if chart.unit in COUNTED:
        value_axis["minInterval"] = 1  # no half problems on the axis
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}, "renderMode": "richText"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 24, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": category_axis if horizontal else value_axis,
        "series": [
            {
                "name": s.name,
                "type": "bar",
                "stack": "total" if chart.stacked else None,
                "barMaxWidth": 28,
                "label": {"show": not chart.stacked, "position": "right" if horizontal else "top"},
                "data": [_point(v, s.link(i)) for i, v in enumerate(s.values)],
            }
            for s in chart.series
        ],
    }


def echarts_option(chart: Chart) -> dict[str, Any]:
    if not chart.categories:
        return {
            "title": {"text": "暂无数据", "left": "center", "top": "middle", "textStyle": {"color": "#888"}}
        }
    option = _pie(chart) if chart.kind == "pie" else _bars(chart)
    option["aria"] = {"enabled": True}
    return option
