"""The cockpit's panel of the problem tracker (see workbench.cockpit): the
problems registered in the year, open / overdue / closed by responsible unit
(`problem_stats`, the statistics page's own counts), and by source. Each bar
opens the tracker's list filtered by unit, state and year."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from problems import selectors, workflow
from problems.models import Problem, Source
from workbench import cockpit
from workbench.cockpit import Chart, Figure, PanelData, Series


def problem_years() -> set[int]:
    return {d.year for d in Problem.objects.order_by().dates("registered_at", "year")}


def _list(year: int, **filters: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in {**filters, "year": year}.items())
    return f"{reverse('problems:list')}?{query}"


def _unit_chart(year: int, stats: selectors.ProblemStats) -> Chart:
    units = stats.by_unit
    return Chart(
        key="units",
        title="问题按责任单位：未办结、逾期、已销号",
        categories=[u.name for u in units],
        category_label="责任单位",
        unit="个",
        series=[
            Series("未办结", [u.open for u in units], [_list(year, org=u.org_id, open=1) for u in units]),
            Series(
                "其中逾期", [u.overdue for u in units], [_list(year, org=u.org_id, overdue=1) for u in units]
            ),
            Series(
                "已销号",
                [u.closed for u in units],
                [_list(year, org=u.org_id, state=workflow.CLOSED) for u in units],
            ),
        ],
    )


def _source_chart(year: int, stats: selectors.ProblemStats) -> Chart:
    sources = [(s, label) for s, label in Source.choices if stats.by_source.get(s)]
    return Chart(
        key="sources",
        title="问题来源",
        kind="pie",
        categories=[label for _, label in sources],
        category_label="来源",
        unit="个",
        series=[
            Series(
                "问题数",
                [stats.by_source[s] for s, _ in sources],
                [_list(year, source=s) for s, _ in sources],
            )
        ],
    )


def problem_panel(year: int) -> PanelData:
    panel = PanelData(key="problems", title="问题线索", link=_list(year))
    stats = selectors.problem_stats(
        selectors.problem_list(Problem.objects.all(), year=year), today=timezone.localdate()
    )
    if not stats.total:
        panel.empty = f"{year}年度没有登记的问题线索。"
        return panel
    panel.subtitle = f"{year}年登记的问题（督察发现、专项整治线索、考评失分、群众举报等）"
    closure = stats.closure_rate
    panel.figures = [
        Figure("问题总数", stats.total, "个", link=_list(year)),
        Figure("未办结", stats.open, "个", link=_list(year, open=1)),
        Figure("逾期", stats.overdue, "个", link=_list(year, overdue=1)),
        Figure("已销号", stats.closed, "个", link=_list(year, state=workflow.CLOSED)),
        Figure("销号率", "—" if closure is None else closure, "%"),
        Figure("挂牌督办", stats.supervised, "个", link=_list(year, supervised=1)),
    ]
    panel.charts = [_unit_chart(year, stats), _source_chart(year, stats)]
    return panel


cockpit.register(cockpit.Panel("problems", "问题线索", problem_panel, problem_years, order=15))
