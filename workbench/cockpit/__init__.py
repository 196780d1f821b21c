"""The leaders' cockpit (驾驶舱): the office's home page, assembled from panels
that each module registers in its own `<app>/cockpit.py` (imported by
`autodiscover()` when the workbench app is ready), the way modules register
their to-dos. A module that is not installed shows no panel.

A panel is a function of the year that returns `PanelData`: a few headline
figures and charts. Every chart is categories × series with, per point, the
URL of the list behind it (the drill-down); the page prints each chart's
numbers as a table, the chart endpoint turns it into an ECharts option and
the export writes the same numbers to xlsx, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Number = int | Decimal | float | None


@dataclass
class Series:
    name: str
    values: list[Number]
    # the list behind each point (same length as values; None: no drill-down)
    links: Sequence[str | None] = field(default_factory=list)

    def link(self, index: int) -> str | None:
        return self.links[index] if index < len(self.links) else None


@dataclass
class Chart:
    key: str
    title: str
    categories: list[str]
    series: list[Series]
    kind: str = "bar"  # bar | pie | hbar
    stacked: bool = False
    unit: str = ""
    # what the table's first column heads
    category_label: str = "项目"
    max_value: Number = None

    @property
    def headers(self) -> list[str]:
        return [
            self.category_label,
            *(s.name + (f"（{self.unit}）" if self.unit else "") for s in self.series),
        ]

    def rows(self) -> list[list[Any]]:
        return [[c, *(s.values[i] for s in self.series)] for i, c in enumerate(self.categories)]

    def linked_rows(self) -> list[tuple[str, list[tuple[Number, str | None]]]]:
        """(category, [(value, link), …]) for the accessible table."""
        return [(c, [(s.values[i], s.link(i)) for s in self.series]) for i, c in enumerate(self.categories)]


@dataclass
class Figure:
    label: str
    value: Any
    unit: str = ""
    link: str | None = None


@dataclass
class PanelData:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # what the panel is about this year (e.g. the campaign's name and phase)
    subtitle: str = ""
    # why there is nothing to show, when there is nothing
    empty: str = ""
    link: str | None = None

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)


PanelBuilder = Callable[[int], PanelData]
YearsProvider = Callable[[], Iterable[int]]


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    build: PanelBuilder
    years: YearsProvider
    order: int = 50


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def panel(key: str) -> Panel | None:
    return _panels.get(key)


def years() -> tuple[list[int], int | None]:
    """Every year any panel has data for (newest first), and the year the page
    opens on: the newest year of the first panel that has any (the 考评 when
    there is one, so a selection already tracking next year does not move the
    whole cockpit ahead)."""
    found: set[int] = set()
    default = None
    for p in panels():
        own = {y for y in p.years() if y}
        if own and default is None:
            default = max(own)
        found |= own
    return sorted(found, reverse=True), default


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("cockpit")
