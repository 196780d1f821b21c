"""A cockpit panel as an xlsx: a sheet of its headline figures, then one sheet
per chart with the chart's numbers (the same rows as the page's tables), all
written through documents.xlsx (write_cell)."""

from __future__ import annotations

from typing import Any

from documents.xlsx import table_workbook
from workbench.cockpit import PanelData


def panel_workbook(data: PanelData, year: int) -> bytes:
    figures: list[list[Any]] = [["年度", year]]
    if data.subtitle:
        figures.append(["说明", data.subtitle])
    if data.empty:
        figures.append(["说明", data.empty])
    figures += [[f"{f.label}（{f.unit}）" if f.unit else f.label, f.value] for f in data.figures]
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [(data.title, ["项目", "数值"], figures)]
    for chart in data.charts:
        sheets.append((chart.title, chart.headers, chart.rows()))
    return table_workbook(sheets)
