"""The cockpit's panel of 述、评、督、考、责 (see workbench.cockpit): the year's
述法 reports submitted per org, the ratings they got, the 督察 findings per
org and the 问责 actions proposed and decided. Aggregates over this app's
selectors, a constant number of queries whatever the numbers."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count
from django.urls import reverse

from accountability import selectors
from accountability.models import (
    AccountabilityAction,
    ActionState,
    Finding,
    InspectionPlan,
    Rating,
    RatingGrade,
    ReportState,
    Severity,
    ShufaReport,
)
from workbench import cockpit
from workbench.cockpit import Chart, Figure, PanelData, Series


def accountability_years() -> set[int]:
    # one query (UNION) for both: the cockpit asks every panel for its years on every page
    return set(
        selectors.rounds()
        .order_by()
        .values_list("year", flat=True)
        .union(InspectionPlan.objects.order_by().values_list("year", flat=True))
    )


def _orgs_chart(
    key: str, title: str, rows: list[dict[str, Any]], field: str, choices: list[tuple[str, str]], year: int
) -> Chart:
    """Per org (by code), one series per choice of `field`; each bar opens the org's dossier."""
    orgs: dict[int, tuple[str, str]] = {}
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        orgs[row["org_id"]] = (row["org__code"], row["org__name"])
        counts[(row["org_id"], row[field])] += row["n"]
    ordered = sorted(orgs, key=lambda pk: orgs[pk][0])
    links = [reverse("accountability:org_dossier", args=[pk, year]) for pk in ordered]
    return Chart(
        key=key,
        title=title,
        categories=[orgs[pk][1] for pk in ordered],
        category_label="单位",
        stacked=True,
        unit="件",
        series=[Series(label, [counts[(pk, value)] for pk in ordered], links) for value, label in choices],
    )


def _reports(year: int) -> list[dict[str, Any]]:
    rows = (
        ShufaReport.objects.filter(round__year=year)
        .order_by()
        .values("org_id", "org__code", "org__name", "state")
        .annotate(n=Count("pk"))
    )
    # 未提交: drafts and returned reports alike
    return [{**r, "state": r["state"] if r["state"] == ReportState.SUBMITTED else "pending"} for r in rows]


def _findings(year: int) -> list[dict[str, Any]]:
    rows = (
        Finding.objects.filter(plan__year=year)
        .order_by()
        .values("target_id", "target__code", "target__name", "severity")
        .annotate(n=Count("pk"))
    )
    return [
        {"org_id": r["target_id"], "org__code": r["target__code"], "org__name": r["target__name"], **r}
        for r in rows
    ]


def _action_counts(year: int) -> dict[str, int]:
    rows = (
        AccountabilityAction.objects.filter(year=year).order_by().values_list("state").annotate(n=Count("pk"))
    )
    return {state: n for state, n in rows}


def _action_chart(counts: dict[str, int]) -> Chart:
    base = reverse("accountability:action_list")
    return Chart(
        key="actions",
        title="问责建议：提出与确认",
        categories=[label for _, label in ActionState.choices],
        category_label="状态",
        unit="条",
        series=[
            Series(
                "问责建议",
                [counts.get(state, 0) for state, _ in ActionState.choices],
                [f"{base}?state={state}" for state, _ in ActionState.choices],
            )
        ],
    )


def _rating_chart(year: int, round_link: str | None) -> tuple[Chart, dict[str, Any]]:
    ratings = Rating.objects.filter(report__round__year=year)
    counts = dict(ratings.order_by().values_list("grade").annotate(n=Count("pk")))
    summary = ratings.aggregate(n=Count("pk"), mean=Avg("score"))
    chart = Chart(
        key="ratings",
        title="述法评议等次",
        kind="pie",
        categories=[label for _, label in RatingGrade.choices],
        category_label="评议等次",
        unit="份",
        series=[
            Series(
                "评议",
                [counts.get(grade, 0) for grade, _ in RatingGrade.choices],
                [round_link] * len(RatingGrade.choices),
            )
        ],
    )
    return chart, summary


def accountability_panel(year: int) -> PanelData:
    panel = PanelData(key="accountability", title="述、评、督、考、责", link=reverse("accountability:home"))
    shufa_round = selectors.rounds().filter(year=year).first()
    round_link = reverse("accountability:round_detail", args=[shufa_round.pk]) if shufa_round else None
    reports = _reports(year)
    findings = _findings(year)
    if shufa_round is None and not findings:
        panel.empty = f"{year}年度尚未开展述法工作或综合督察。"
        return panel
    panel.subtitle = shufa_round.title if shufa_round else f"{year}年度综合督察"
    rating_chart, rating = _rating_chart(year, round_link)
    actions = _action_counts(year)
    action_chart = _action_chart(actions)
    submitted = sum(r["n"] for r in reports if r["state"] == ReportState.SUBMITTED)
    mean = rating["mean"]
    panel.figures = [
        Figure("述法报告已提交", f"{submitted}/{sum(r['n'] for r in reports)}", link=round_link),
        Figure("评议", rating["n"], "份", link=round_link),
        Figure(
            "平均评分", "—" if mean is None else Decimal(str(mean)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        ),
        Figure("督察发现问题", sum(f["n"] for f in findings), "个", link=reverse("accountability:plan_list")),
        Figure(
            "问责建议待确认",
            actions.get(ActionState.PROPOSED, 0),
            "条",
            link=action_chart.series[0].link(0),
        ),
        Figure("问责已确认", actions.get(ActionState.CONFIRMED, 0) + actions.get(ActionState.DONE, 0), "条"),
    ]
    panel.charts = [
        _orgs_chart(
            "reports",
            "述法报告提交情况",
            reports,
            "state",
            [(ReportState.SUBMITTED.value, "已提交"), ("pending", "未提交（草稿或退回）")],
            year,
        ),
        rating_chart,
        _orgs_chart(
            "findings", "督察发现问题（按单位、严重程度）", findings, "severity", list(Severity.choices), year
        ),
        action_chart,
    ]
    return panel


cockpit.register(
    cockpit.Panel(
        "accountability", "述、评、督、考、责", accountability_panel, accountability_years, order=20
    )
)
