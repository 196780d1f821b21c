"""Reads of the problem tracker, for its pages, the API, the CLI and other
modules (the 述评督考责 dossiers and accountability rules of `accountability`):

- `problems_for_org(org, year)` — an org's problems (and its subtree's) of a year
- `problem_stats(qs, today=…)` — counts by state, source, category, unit and age, overdue, closure rate
- `overdue_problems(today=…, org=…, year=…)` — open problems past their deadline
- `repeat_counts(year=…, org=…)` — (unit, category) pairs with more than one problem
- `repeat_facts(org=…, year=…)` — (category, registered on, closed on) of an org's
  problems of the year and the year before, for the 责 rule on repeated problems
- `likely_duplicates(org=…, title=…)` — recent problems of the same unit with a similar title

Every function costs a fixed number of queries, whatever the number of problems.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from orgs.models import Org
from problems import similarity, workflow
from problems.models import ExtensionRequest, ExtensionStatus, Problem, ProblemEvent, Severity, Source

NUMBER = re.compile(r"(?:WT\d{4}-)?0*(\d{1,12})")
AGE_BUCKETS = (
    ("30天以内", 0, 30),
    ("31–90天", 31, 90),
    ("91–180天", 91, 180),
    ("180天以上", 181, None),
)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def overdue_q(today: datetime.date) -> Q:
    return Q(state__in=workflow.RUNNING, deadline__lt=today)


def problems() -> QuerySet[Problem]:
    """Rows for lists: the unit and the campaign come along (no query per row)."""
    return Problem.objects.select_related("org", "campaign")


def problem_list(
    qs: QuerySet[Problem],
    *,
    state: str = "",
    source: str = "",
    category: str = "",
    org_id: int | None = None,
    campaign_id: int | None = None,
    severity: str = "",
    supervised: bool = False,
    overdue: bool = False,
    open_only: bool = False,
    due_within: int | None = None,
    extension_pending: bool = False,
    age: tuple[int, int | None] | None = None,
    year: int | None = None,
    query: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Problem]:
    """`qs` (the user's visible problems) narrowed by the list's filters."""
    today = _today(today)
    wanted: list[tuple[bool, Callable[[], Q]]] = [
        (state in workflow.STATES, lambda: Q(state=state)),
        (source in Source.values, lambda: Q(source=source)),
        (bool(category), lambda: Q(category=category)),
        (org_id is not None, lambda: Q(org_id=org_id)),
        (campaign_id is not None, lambda: Q(campaign_id=campaign_id)),
        (severity in Severity.values, lambda: Q(severity=severity)),
        (supervised, lambda: Q(supervised=True)),
        (overdue, lambda: overdue_q(today)),
        (open_only, lambda: Q(state__in=workflow.OPEN)),
        (due_within is not None, lambda: _due_q(today, due_within or 0)),
        (extension_pending, _extension_pending_q),
        (age is not None, lambda: Q(state__in=workflow.OPEN) & _age_q(timezone.now(), *(age or (0, None)))),
        (year is not None, lambda: _year_q(year or 0)),
        (bool(query), lambda: _text_q(query)),
    ]
    filters = Q()
    for applies, condition in wanted:
        if applies:
            filters &= condition()
    return qs.filter(filters).select_related("org", "campaign")


def _due_q(today: datetime.date, days: int) -> Q:
    soon = today + datetime.timedelta(days=days)
    return Q(state__in=workflow.UNIT_WORKING, deadline__gte=today, deadline__lte=soon)


def _extension_pending_q() -> Q:
    return Q(pk__in=ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).values("problem_id"))


def _year_q(year: int) -> Q:
    return Q(registered_at__gte=_year_start(year), registered_at__lt=_year_start(year + 1))


def _text_q(query: str) -> Q:
    """Title or description; a problem number (WT2023-00012) or a bare id finds that problem."""
    match = NUMBER.fullmatch(query.strip().upper())
    by_number = Q(pk=int(match[1])) if match else Q()
    return by_number | Q(title__icontains=query) | Q(description__icontains=query)


def _year_start(year: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, 1, 1))


def problems_for_org(org: Org, year: int | None = None, *, subtree: bool = True) -> QuerySet[Problem]:
    """An org's problems (with those of the orgs below it unless `subtree=False`),
    registered in `year` when given: for the per-org dossier."""
    qs = problems().filter(org__path__startswith=org.path) if subtree else problems().filter(org=org)
    if year is not None:
        qs = qs.filter(registered_at__gte=_year_start(year), registered_at__lt=_year_start(year + 1))
    return qs.order_by("-registered_at", "-pk")


def overdue_problems(
    *, today: datetime.date | None = None, org: Org | None = None, year: int | None = None
) -> QuerySet[Problem]:
    """Open problems past their deadline (the clock runs until the unit reports
    them rectified), longest overdue first. For 责 rules: an overdue problem
    proposes an action against its unit."""
    qs = problems().filter(overdue_q(_today(today)))
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if year is not None:
        qs = qs.filter(registered_at__gte=_year_start(year), registered_at__lt=_year_start(year + 1))
    return qs.order_by("deadline", "pk")


@dataclass(frozen=True)
class Repeat:
    org_id: int
    org_name: str
    category: str
    count: int


def repeat_counts(*, year: int | None = None, org: Org | None = None, minimum: int = 2) -> list[Repeat]:
    """(unit, category) with `minimum` or more problems (撤销 ones left out): a
    problem that keeps coming back at the same unit. One query."""
    qs = Problem.objects.exclude(state=workflow.DISMISSED).exclude(category="")
    if year is not None:
        qs = qs.filter(registered_at__gte=_year_start(year), registered_at__lt=_year_start(year + 1))
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    rows = (
        qs.values("org_id", "org__name", "category")
        .annotate(n=Count("pk"))
        .filter(n__gte=minimum)
        .order_by("-n", "org__name", "category")
    )
    return [Repeat(r["org_id"], r["org__name"], r["category"], r["n"]) for r in rows]


def repeat_facts(*, org: Org, year: int) -> list[tuple[str, datetime.date, datetime.date | None]]:
    """(category, registration date, 销号 date or None) of the org's problems (its
    subtree's) registered in `year` or the year before, 撤销 ones left out: what
    `accountability.linkage.repeated_problems` reads. One query."""
    rows = (
        Problem.objects.filter(org__path__startswith=org.path)
        .exclude(state=workflow.DISMISSED)
        .exclude(category="")
        .filter(registered_at__gte=_year_start(year - 1), registered_at__lt=_year_start(year + 1))
        .order_by("registered_at", "pk")
        .values_list("category", "registered_at", "closed_at")
    )
    return [
        (category, timezone.localdate(registered), timezone.localdate(closed) if closed else None)
        for category, registered, closed in rows
    ]


# --------------------------------------------------------------------------- statistics


@dataclass
class UnitRow:
    org_id: int
    name: str
    total: int
    open: int
    overdue: int
    closed: int

    @property
    def closure_rate(self) -> Decimal | None:
        return rate(self.closed, self.total)


@dataclass
class ProblemStats:
    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_unit: list[UnitRow] = field(default_factory=list)
    by_age: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    supervised: int = 0
    dismissed: int = 0

    @property
    def closed(self) -> int:
        return self.by_state.get(workflow.CLOSED, 0)

    @property
    def open(self) -> int:
        return sum(n for s, n in self.by_state.items() if s in workflow.OPEN)

    @property
    def closure_rate(self) -> Decimal | None:
        """销号率: closed ÷ (all − 撤销), in percent to one decimal; None without problems."""
        return rate(self.closed, self.total - self.dismissed)

    def as_json(self) -> dict[str, Any]:
        """The shape of `fazhi problems stats --json` and GET /api/v1/problems/stats/."""
        by_unit: dict[str, int] = {}
        for row in self.by_unit:
            key = row.name if row.name not in by_unit else f"{row.name}（{row.org_id}）"
            by_unit[key] = row.total
        return {
            "total": self.total,
            "by_state": {s: self.by_state.get(s, 0) for s in workflow.STATES},
            "by_unit": by_unit,
            "overdue": self.overdue,
            "by_source": {s: self.by_source.get(s, 0) for s in Source.values},
            "by_category": dict(self.by_category),
            "by_age": dict(self.by_age),
            "supervised": self.supervised,
            "closure_rate": float(self.closure_rate) if self.closure_rate is not None else None,
        }


def rate(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _age_counts(qs: QuerySet[Problem], now: datetime.datetime, today: datetime.date) -> dict[str, Any]:
    """Open problems by age since registration, plus overdue and 挂牌督办: one query."""
    aggregates: dict[str, Any] = {
        "overdue": Count("pk", filter=overdue_q(today)),
        "supervised": Count("pk", filter=Q(supervised=True, state__in=workflow.OPEN)),
    }
    for label, low, high in AGE_BUCKETS:
        aggregates[label] = Count("pk", filter=Q(state__in=workflow.OPEN) & _age_q(now, low, high))
    return qs.aggregate(**aggregates)


def _age_q(now: datetime.datetime, low: int, high: int | None) -> Q:
    """Registered between `low` and `high` whole days before `now` (no upper end: None)."""
    condition = Q(registered_at__lte=now - datetime.timedelta(days=low))
    if high is not None:
        condition &= Q(registered_at__gt=now - datetime.timedelta(days=high + 1))
    return condition


def problem_stats(qs: QuerySet[Problem] | None = None, *, today: datetime.date | None = None) -> ProblemStats:
    """Counts over `qs` (default: every problem) in five grouped queries."""
    qs = (qs if qs is not None else Problem.objects.all()).order_by()
    today = _today(today)
    now = timezone.now()
    stats = ProblemStats()
    stats.by_state = {r["state"]: r["n"] for r in qs.values("state").annotate(n=Count("pk"))}
    stats.total = sum(stats.by_state.values())
    stats.dismissed = stats.by_state.get(workflow.DISMISSED, 0)
    stats.by_source = {r["source"]: r["n"] for r in qs.values("source").annotate(n=Count("pk"))}
    stats.by_category = {
        (r["category"] or "未分类"): r["n"]
        for r in qs.values("category").annotate(n=Count("pk")).order_by("-n", "category")
    }
    units = (
        qs.values("org_id", "org__name", "org__sort_order", "org__code")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(state__in=workflow.OPEN)),
            overdue=Count("pk", filter=overdue_q(today)),
            closed=Count("pk", filter=Q(state=workflow.CLOSED)),
        )
        .order_by("org__sort_order", "org__code")
    )
    stats.by_unit = [
        UnitRow(r["org_id"], r["org__name"], r["total"], r["open"], r["overdue"], r["closed"]) for r in units
    ]
    counts = _age_counts(qs, now, today)
    stats.overdue = counts.pop("overdue")
    stats.supervised = counts.pop("supervised")
    stats.by_age = counts
    return stats


# --------------------------------------------------------------------------- duplicates

DUPLICATE_CANDIDATES = 500


def likely_duplicates(
    *,
    org: Org,
    title: str,
    exclude_pk: int | None = None,
    around: datetime.datetime | None = None,
    days: int = similarity.WINDOW_DAYS,
) -> list[tuple[Problem, float]]:
    """Problems of the same unit registered within `days` of `around` whose title
    is similar (see problems/similarity.py); the most similar first. A warning,
    never a refusal."""
    around = around or timezone.now()
    window = datetime.timedelta(days=days)
    candidates = (
        Problem.objects.filter(
            org=org, registered_at__gte=around - window, registered_at__lte=around + window
        )
        .exclude(state=workflow.DISMISSED)
        .order_by("-registered_at")
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    rows = {p.pk: p for p in candidates.select_related("org")[:DUPLICATE_CANDIDATES]}
    matches = similarity.likely_duplicates(title, ((pk, p.title) for pk, p in rows.items()))
    return [(rows[m.key], m.score) for m in matches]  # type: ignore[index]


def duplicates_of(problem: Problem) -> list[tuple[Problem, float]]:
    return likely_duplicates(
        org=problem.org, title=problem.title, exclude_pk=problem.pk, around=problem.registered_at
    )


# --------------------------------------------------------------------------- history


def history(problem: Problem) -> QuerySet[ProblemEvent]:
    return (
        problem.events.select_related("actor_org", "org")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def lost_points_sent(publication_id: int, target_code: str) -> set[str]:
    """Codes of the indicators of one target's published lost points already sent to 整改."""
    refs = Problem.objects.filter(
        source=Source.ASSESSMENT, source_ref__publication=publication_id, source_ref__target=target_code
    ).values_list("source_ref", flat=True)
    return {str(ref.get("indicator", "")) for ref in refs}
