"""The cockpit's panel of 法治建设考评 (see workbench.cockpit): the year's
campaign — its phase, each county's self-assessment submission and scoring
progress — and, once published, the ranking and the grades as published."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from assessments.models import Campaign, Phase, Publication
from assessments.selectors.campaigns import campaign_matrix, deadline_map
from workbench import cockpit
from workbench.cockpit import Chart, Figure, PanelData, Series

GRADES = ("优秀", "良好", "一般", "不合格")


def campaign_of_year(year: int) -> Campaign | None:
    return Campaign.objects.filter(year=year).select_related("framework").order_by("-pk").first()


def campaign_years() -> QuerySet[Campaign, int]:
    return Campaign.objects.order_by("year").values_list("year", flat=True).distinct()


def _percent(done: int, total: int) -> Decimal:
    return (Decimal(done * 100) / total).quantize(Decimal("0.1")) if total else Decimal(0)


def _progress_chart(campaign: Campaign, matrix) -> Chart:
    targets = matrix.targets
    self_rates = [matrix.self_by_target[t.pk] for t in targets]
    score_rates = [matrix.score_by_target[t.pk] for t in targets]
    return Chart(
        key="progress",
        title="各县（市、区）自评提交与评分进度",
        categories=[t.name for t in targets],
        category_label="被考评单位",
        unit="%",
        max_value=100,
        series=[
            Series(
                "自评提交率",
                [_percent(p.done, p.total) for p in self_rates],
                [reverse("assessments:self_list", args=[campaign.pk, t.pk]) for t in targets],
            ),
            Series(
                "评分生效率",
                [_percent(p.done, p.total) for p in score_rates],
                [reverse("assessments:target_scores", args=[campaign.pk, t.pk]) for t in targets],
            ),
        ],
    )


def _result_charts(campaign: Campaign, publication: Publication, pks: dict[str, int]) -> list[Chart]:
    ranking = sorted(publication.snapshot.get("ranking", []), key=lambda r: r["rank"])
    feedback = [
        reverse("assessments:feedback", args=[campaign.pk, pks[r["code"]]]) if r["code"] in pks else None
        for r in ranking
    ]
    grades = Counter(r["grade"] for r in ranking)
    results = reverse("assessments:results", args=[campaign.pk])
    names = [g for g in GRADES if grades[g]] + sorted(g for g in grades if g not in GRADES)
    return [
        Chart(
            key="ranking",
            title="公布结果：综合得分与排名",
            kind="hbar",
            categories=[f"{r['rank']}. {r['name']}" for r in ranking],
            category_label="名次 单位",
            unit="分",
            series=[Series("综合得分", [Decimal(str(r["total"])) for r in ranking], feedback)],
        ),
        Chart(
            key="grades",
            title="公布结果：等次分布",
            kind="pie",
            categories=names,
            category_label="等次",
            unit="个",
            series=[Series("单位数", [grades[g] for g in names], [results] * len(names))],
        ),
    ]


def campaign_panel(year: int) -> PanelData:
    panel = PanelData(key="assessments", title="法治建设考评", link=reverse("assessments:campaign_list"))
    campaign = campaign_of_year(year)
    if campaign is None:
        panel.empty = f"{year}年度没有法治建设考评。"
        return panel
    matrix = campaign_matrix(campaign)
    due = deadline_map(campaign).get(campaign.phase)
    phase = campaign.get_phase_display()
    panel.subtitle = f"{campaign.name} · 当前阶段：{phase}" + (
        f"（截止 {due.due_on:%Y-%m-%d}）" if due else ""
    )
    panel.link = reverse("assessments:campaign_detail", args=[campaign.pk])
    self_done = sum(p.done for p in matrix.self_by_target.values())
    score_done = sum(p.done for p in matrix.score_by_target.values())
    total = len(matrix.pairs)
    panel.figures = [
        Figure("当前阶段", phase, link=panel.link),
        Figure("被考评单位", len(matrix.targets), "个"),
        Figure(
            "自评已提交",
            f"{self_done}/{total}",
            link=reverse("assessments:campaign_matrix", args=[campaign.pk]),
        ),
        Figure(
            "评分已生效",
            f"{score_done}/{total}",
            link=reverse("assessments:campaign_matrix", args=[campaign.pk]),
        ),
    ]
    panel.charts = [_progress_chart(campaign, matrix)]
    publication = (
        Publication.objects.filter(campaign=campaign).first() if campaign.phase == Phase.PUBLISHED else None
    )
    if publication is not None:
        panel.figures.append(Figure("公布日期", f"{timezone.localdate(publication.published_at):%Y-%m-%d}"))
        panel.charts += _result_charts(campaign, publication, {t.code: t.pk for t in matrix.targets})
    return panel


cockpit.register(cockpit.Panel("assessments", "法治建设考评", campaign_panel, campaign_years, order=10))
