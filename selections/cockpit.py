"""The cockpit's panel of 十大法治惠民实事 (see workbench.cockpit): the year's
edition and the stage it has reached (nominations received, eligible,
shortlisted, selected), and the implementation progress of the selected
projects carried out that year (latest reported % and milestones done)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from selections import selectors
from selections.models import Edition, Nomination, ProgressReport, Screening
from workbench import cockpit
from workbench.cockpit import Chart, Figure, PanelData, Series


def selection_years() -> set[int]:
    editions = Edition.objects.order_by().values_list("year", "tracking_year").distinct()
    return {year for pair in editions for year in pair if year}


def _pipeline_chart(edition: Edition) -> Chart:
    counts = Nomination.objects.filter(edition=edition).aggregate(
        received=Count("pk"),
        eligible=Count("pk", filter=Q(screening=Screening.ELIGIBLE)),
        shortlisted=Count("pk", filter=Q(shortlisted=True)),
        selected=Count("pk", filter=Q(selected=True)),
    )
    page = reverse("selections:edition_detail", args=[edition.pk])
    return Chart(
        key="pipeline",
        title=f"{edition.name}：征集与评选",
        categories=["征集", "资格审查符合条件", "入围公众投票", "入选"],
        category_label="环节",
        unit="个",
        series=[
            Series(
                "项目数",
                [counts["received"], counts["eligible"], counts["shortlisted"], counts["selected"]],
                [page, f"{page}?screening={Screening.ELIGIBLE}", page, page],
            )
        ],
    )


def _latest_percent(project_ids: list[int]) -> dict[int, int]:
    latest: dict[int, int] = {}
    reports = (
        ProgressReport.objects.filter(project_id__in=project_ids)
        .order_by("project_id", "-reported_on", "-pk")
        .values_list("project_id", "percent")
    )
    for project_id, percent in reports:
        latest.setdefault(project_id, percent)
    return latest


def _projects_chart(year: int, projects: list[Nomination]) -> Chart:
    percent = _latest_percent([p.pk for p in projects])
    links = [reverse("selections:project_detail", args=[p.pk]) for p in projects]
    return Chart(
        key="projects",
        title=f"{year}年实施的惠民实事项目进度",
        kind="hbar",
        categories=[p.title for p in projects],
        category_label="项目",
        unit="%",
        max_value=100,
        series=[
            Series("报告完成进度", [percent.get(p.pk, 0) for p in projects], links),
            Series(
                "节点完成率",
                [
                    round(getattr(p, "milestones_done", 0) * 100 / getattr(p, "milestone_count", 0))
                    if getattr(p, "milestone_count", 0)
                    else 0
                    for p in projects
                ],
                links,
            ),
        ],
    )


def selection_panel(year: int) -> PanelData:
    panel = PanelData(key="selections", title="十大法治惠民实事", link=reverse("selections:home"))
    edition = Edition.objects.filter(year=year).order_by("-ordinal").first()
    projects = list(selectors.tracked_projects(year=year))
    if edition is None and not projects:
        panel.empty = f"{year}年度没有惠民实事评选，也没有在该年实施的项目。"
        return panel
    if edition is not None:
        panel.subtitle = f"{edition.name} · 当前阶段：{edition.get_phase_display()}"
        panel.link = reverse("selections:edition_detail", args=[edition.pk])
        panel.figures.append(Figure("评选阶段", edition.get_phase_display(), link=panel.link))
        panel.charts.append(_pipeline_chart(edition))
    if projects:
        complete = sum(
            1
            for p in projects
            if getattr(p, "milestone_count", 0)
            and getattr(p, "milestones_done", 0) == getattr(p, "milestone_count", 0)
        )
        project_list = reverse("selections:project_list")
        panel.figures += [
            Figure("本年实施项目", len(projects), "个", link=project_list),
            Figure("节点全部完成", complete, "个"),
            Figure(
                "节点完成",
                f"{sum(getattr(p, 'milestones_done', 0) for p in projects)}/{sum(getattr(p, 'milestone_count', 0) for p in projects)}",
                link=project_list,
            ),
        ]
        panel.charts.append(_projects_chart(year, projects))
    return panel


cockpit.register(cockpit.Panel("selections", "十大法治惠民实事", selection_panel, selection_years, order=30))
