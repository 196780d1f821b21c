"""Reads for 迎检: task lists, the indicator overview with expected scores, gaps,
and the province's grade for other modules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet

from orgs.models import Org, OrgType
from provincial import scoring
from provincial.models import (
    OPEN_STATUSES,
    ProvincialFramework,
    ProvincialIndicator,
    ProvincialResult,
    Task,
    TaskStatus,
)

ORG_TASKS_KEY = "provincial:org-has-tasks:{}"


def tasks() -> QuerySet[Task]:
    return Task.objects.select_related("indicator__framework", "org").annotate(
        evidence_count=Count("evidence", distinct=True)
    )


def org_has_tasks(org_id: int | None) -> bool:
    """Cached (the nav asks on every page): forgotten whenever a task is assigned or removed."""
    if org_id is None:
        return False
    key = ORG_TASKS_KEY.format(org_id)
    found = cache.get(key)
    if found is None:
        found = Task.objects.filter(org_id=org_id).exists()
        cache.set(key, found, 600)
    return bool(found)


def forget_org_tasks(org_id: int) -> None:
    cache.delete(ORG_TASKS_KEY.format(org_id))


def frameworks() -> QuerySet[ProvincialFramework]:
    return ProvincialFramework.objects.select_related("imported_by").annotate(
        indicator_count=Count("indicators", distinct=True),
        task_count=Count("indicators__tasks", distinct=True),
        accepted_count=Count(
            "indicators__tasks", filter=Q(indicators__tasks__status=TaskStatus.ACCEPTED), distinct=True
        ),
    )


def latest_framework() -> ProvincialFramework | None:
    return ProvincialFramework.objects.order_by("-year").first()


def municipal_units() -> QuerySet[Org]:
    """Orgs a task can go to: the city's own departments, judicial organs and party
    offices — the assessing units first (counties are assessed, not assigned).
    An org holding only expert accounts (the 咨询专家库) is a pool, not a unit."""
    from accounts import roles
    from accounts.models import User

    experts = User.objects.filter(role_id=roles.EXPERT).values("org_id")
    staff = User.objects.exclude(role_id__in=(roles.EXPERT, *roles.ADMIN_ROLES)).values("org_id")
    return (
        Org.objects.filter(
            active=True,
            parent__type=OrgType.CITY,
            type__in=[OrgType.PARTY, OrgType.DEPARTMENT, OrgType.JUDICIAL],
        )
        .exclude(Q(pk__in=experts) & ~Q(pk__in=staff))
        .order_by("-is_assessor", "sort_order", "code")
    )


def task_list(
    *,
    framework: ProvincialFramework | None = None,
    org_id: int | None = None,
    status: str = "",
    overdue: bool = False,
    query: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Task]:
    qs = tasks()
    if framework is not None:
        qs = qs.filter(indicator__framework=framework)
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today or datetime.date.today())
    if query:
        qs = qs.filter(
            Q(indicator__name__icontains=query)
            | Q(indicator__code__icontains=query)
            | Q(org__name__icontains=query)
            | Q(org__short_name__icontains=query)
        )
    return qs


def is_overdue(task: Task, today: datetime.date) -> bool:
    return task.status in OPEN_STATUSES and task.deadline < today


@dataclass
class IndicatorRow:
    indicator: ProvincialIndicator
    tasks: list[Task]
    expected: Decimal

    @property
    def lost(self) -> Decimal:
        return self.indicator.max_score - self.expected


@dataclass
class Overview:
    framework: ProvincialFramework
    rows: list[IndicatorRow]
    today: datetime.date
    without_tasks: list[ProvincialIndicator] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    without_evidence: list[Task] = field(default_factory=list)
    returned: list[Task] = field(default_factory=list)

    @property
    def max_total(self) -> Decimal:
        return sum((r.indicator.max_score for r in self.rows), Decimal("0"))

    @property
    def expected_total(self) -> Decimal:
        return sum((r.expected for r in self.rows), Decimal("0")).quantize(scoring.CENT)

    @property
    def task_count(self) -> int:
        return sum(len(r.tasks) for r in self.rows)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows for t in r.tasks if t.status == status)

    @property
    def gap_count(self) -> int:
        return len(self.without_tasks) + len(self.overdue) + len(self.without_evidence) + len(self.returned)

    @property
    def sections(self) -> list[tuple[str, Decimal, Decimal, int]]:
        """(板块, 分值, 预计得分, 指标数) in framework order."""
        out: dict[str, list[Decimal | int]] = {}
        for r in self.rows:
            entry = out.setdefault(r.indicator.section, [Decimal("0"), Decimal("0"), 0])
            entry[0] += r.indicator.max_score
            entry[1] += r.expected
            entry[2] += 1
        return [(name, v[0], v[1], v[2]) for name, v in out.items()]  # type: ignore[misc]


def task_score(task: Task) -> scoring.TaskScore:
    return scoring.TaskScore(reviewed=task.reviewed_score, estimate=task.self_score)


def overview(framework: ProvincialFramework, *, today: datetime.date) -> Overview:
    """Every indicator with its tasks, expected score and gaps, in two queries."""
    task_qs = (
        Task.objects.select_related("org")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("org__sort_order", "org__code", "pk")
    )
    indicators = framework.indicators.order_by("order", "pk").prefetch_related(
        Prefetch("tasks", queryset=task_qs)
    )
    result = Overview(framework=framework, rows=[], today=today)
    for indicator in indicators:
        its = list(indicator.tasks.all())
        for task in its:
            task.indicator = indicator  # no extra query when templates show the indicator
        expected = scoring.indicator_expected(indicator.max_score, [task_score(t) for t in its])
        result.rows.append(IndicatorRow(indicator=indicator, tasks=its, expected=expected))
        if not its:
            result.without_tasks.append(indicator)
        for task in its:
            if is_overdue(task, today):
                result.overdue.append(task)
            if not task.evidence_count:  # type: ignore[attr-defined]
                result.without_evidence.append(task)
            if task.status == TaskStatus.RETURNED:
                result.returned.append(task)
    return result


def completion_rate(framework: ProvincialFramework | None = None) -> Decimal | None:
    """Share of tasks accepted by the office (迎检任务完成率), in percent; None without tasks."""
    framework = framework or latest_framework()
    if framework is None:
        return None
    counts = Task.objects.filter(indicator__framework=framework).aggregate(
        total=Count("pk"), accepted=Count("pk", filter=Q(status=TaskStatus.ACCEPTED))
    )
    if not counts["total"]:
        return None
    return (Decimal(counts["accepted"]) * 100 / Decimal(counts["total"])).quantize(Decimal("0.1"))


def results() -> QuerySet[ProvincialResult]:
    return ProvincialResult.objects.select_related("recorded_by").order_by("-year")


def latest_result() -> ProvincialResult | None:
    """The most recent grade the province gave the city (法治广东建设考评等次)."""
    return ProvincialResult.objects.order_by("-year").first()


def grade_for(year: int) -> str | None:
    return ProvincialResult.objects.filter(year=year).values_list("grade", flat=True).first()


def grade_kept(year: int) -> bool | None:
    """Whether `year` kept the previous year's grade (the self-evaluation target
    "法治广东建设考评保持上年度考评等次"); None while either year is unknown."""
    rows = dict(ProvincialResult.objects.filter(year__in=[year, year - 1]).values_list("year", "grade"))
    if year not in rows or year - 1 not in rows:
        return None
    order = ["较差", "一般", "良好", "优秀"]
    return order.index(rows[year]) >= order.index(rows[year - 1])
