"""Reads of the 咨询专家库: the pool, what a draw freezes, draws, assignments,
and the panel as other modules need it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet

from experts import draw as algorithm
from experts.models import (
    SEATED,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Conflict,
    Draw,
    DrawStatus,
    Expert,
    ExpertField,
)
from orgs.models import Org


def experts() -> QuerySet[Expert]:
    return Expert.objects.select_related("employer_org", "user").prefetch_related("fields")


def expert_list(*, field: str = "", status: str = "", query: str = "") -> QuerySet[Expert]:
    qs = experts()
    if field:
        qs = qs.filter(fields__code=field)
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(employer_name__icontains=query) | Q(title__icontains=query)
        )
    return qs.distinct() if field else qs


def expert_id_of(user: Any) -> int | None:
    if not user.is_authenticated:
        return None
    return Expert.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()


def fields() -> QuerySet[ExpertField]:
    return ExpertField.objects.all()


def field_labels() -> dict[str, str]:
    return dict(ExpertField.objects.values_list("code", "name"))


def conflicts(expert: Expert) -> QuerySet[Conflict]:
    return expert.conflicts.select_related("org", "declared_by").order_by("pk")


def draws() -> QuerySet[Draw]:
    return Draw.objects.select_related("created_by", "executed_by", "cancelled_by", "replaces")


def draw_list(*, status: str = "", purpose_code: str = "") -> QuerySet[Draw]:
    qs = draws()
    if status:
        qs = qs.filter(status=status)
    if purpose_code:
        qs = qs.filter(purpose_code=purpose_code)
    return qs


def assignments() -> QuerySet[Assignment]:
    return Assignment.objects.select_related("draw", "expert", "expert__user", "replaces__expert")


def assignments_of(expert: Expert) -> QuerySet[Assignment]:
    return assignments().filter(expert=expert).order_by("-draw__executed_at", "-pk")


def draw_assignments(draw: Draw) -> list[Assignment]:
    return list(
        Assignment.objects.filter(draw=draw)
        .select_related("expert", "replaces__expert", "declined_by", "evaluated_by")
        .order_by("pk")  # created as the panel in seat order, then the backups in order
    )


def last_seated(expert_ids: Iterable[int] | None = None) -> dict[int, datetime.date]:
    """The day each expert last took a seat on a panel it then served on."""
    qs = Assignment.objects.filter(status__in=SEATED, seated_at__isnull=False)
    if expert_ids is not None:
        qs = qs.filter(expert_id__in=list(expert_ids))
    rows = qs.values("expert_id").annotate(last=Max("seated_at"))
    from django.utils import timezone

    return {r["expert_id"]: timezone.localdate(r["last"]) for r in rows}


def pool_members() -> list[algorithm.PoolMember]:
    """The whole pool as the draw's freeze sees it (three queries)."""
    conflict_orgs = Prefetch(
        "conflicts", queryset=Conflict.objects.filter(org__isnull=False).select_related("org")
    )
    pool = list(experts().prefetch_related(conflict_orgs).order_by("pk"))
    seated = last_seated()
    members = []
    for expert in pool:
        orgs: list[tuple[int, str]] = []
        if expert.employer_org_id and expert.employer_org:
            orgs.append((expert.employer_org_id, f"工作单位 {expert.employer_org.name}"))
        for conflict in expert.conflicts.all():
            assert conflict.org is not None
            orgs.append((conflict.org.pk, f"{conflict.get_kind_display()} {conflict.org.name}"))
        members.append(
            algorithm.PoolMember(
                id=expert.pk,
                name=expert.name,
                fields=tuple(sorted(f.code for f in expert.fields.all())),
                status=expert.status,
                term_start=expert.term_start,
                term_end=expert.term_end,
                orgs=tuple(orgs),
                last_drawn_on=seated.get(expert.pk),
                has_account=expert.user_id is not None,
            )
        )
    return members


def current_panel(draw: Draw) -> list[Assignment]:
    """Who sits on the panel now: seats taken at the draw or by a backup, not declined."""
    return [a for a in draw_assignments(draw) if a.status in SEATED]


@dataclass(frozen=True)
class PanelMember:
    """What another module needs of a seated expert (see selections' panel_assign)."""

    expert: Expert
    user: Any
    employer_org: Org | None
    conflict_org_ids: list[int]
    assignment: Assignment


def panel_members(draw: Draw) -> list[PanelMember]:
    """The current panel of an executed draw, in seat order, with each expert's
    account, employer org and declared conflict orgs."""
    if draw.status != DrawStatus.EXECUTED:
        return []
    seated = (
        Assignment.objects.filter(draw=draw, status__in=SEATED)
        .select_related("expert__user", "expert__employer_org")
        .prefetch_related(Prefetch("expert__conflicts", queryset=Conflict.objects.filter(org__isnull=False)))
        .order_by("pk")
    )
    return [
        PanelMember(
            expert=a.expert,
            user=a.expert.user,
            employer_org=a.expert.employer_org,
            conflict_org_ids=sorted({c.org_id for c in a.expert.conflicts.all() if c.org_id}),
            assignment=a,
        )
        for a in seated
    ]


def backups_waiting(draw: Draw) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        draw=draw, role=AssignmentRole.BACKUP, status=AssignmentStatus.STANDBY
    ).order_by("position")


def orgs_by_id(ids: Iterable[int]) -> dict[int, Org]:
    return {o.pk: o for o in Org.objects.filter(pk__in=list(ids))}
