"""Reads of the 惠民实事 selection shared by pages, API, to-dos and metrics."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from selections.models import Decision, Edition, Milestone, Nomination, PanelMember, Review, Vote


def conflicted(member: PanelMember, nomination: Nomination) -> bool:
    """The expert may not review a nomination of its employer or of a declared conflict:
    the nominating unit or the unit that would carry the project out."""
    units = {nomination.org_id, nomination.responsible_org_id} - {None}
    return bool(units & member.conflicts())


def editions() -> QuerySet[Edition]:
    return Edition.objects.annotate(
        nomination_count=Count("nominations", distinct=True),
    ).order_by("-year", "-ordinal")


def public_editions() -> QuerySet[Edition]:
    """Editions the public may see something of (all but those still being set up)."""
    return Edition.objects.order_by("-year", "-ordinal")


def nominations(edition: Edition) -> QuerySet[Nomination]:
    return Nomination.objects.filter(edition=edition).select_related("org", "responsible_org", "screened_by")


def reviews_for(user: Any) -> QuerySet[Review]:
    return (
        Review.objects.filter(member__user=user)
        .select_related("nomination__edition", "member")
        .order_by("-nomination__edition__year", "nomination__number")
    )


def tracked_projects(*, org_id: int | None = None, year: int | None = None) -> QuerySet[Nomination]:
    qs = (
        Nomination.objects.filter(selected=True, edition__phase__in=("published", "tracking"))
        .select_related("edition", "responsible_org")
        .annotate(
            milestone_count=Count("milestones", distinct=True),
            milestones_done=Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True),
        )
        .order_by("-edition__year", "rank", "number")
    )
    if org_id is not None:
        qs = qs.filter(responsible_org_id=org_id)
    if year is not None:
        qs = qs.filter(edition__tracking_year=year)
    return qs


def overdue_milestones(today: datetime.date | None = None) -> QuerySet[Milestone]:
    today = today or timezone.localdate()
    return Milestone.objects.filter(
        done_on__isnull=True,
        due__lt=today,
        project__selected=True,
        project__edition__phase__in=("published", "tracking"),
    ).select_related("project__edition", "project__responsible_org")


def valid_vote_counts(edition: Edition) -> dict[int, int]:
    """Votes that count per nomination: not doubtful, or doubtful and found valid."""
    rows = (
        Vote.objects.filter(edition=edition)
        .filter(Q(doubtful=False) & ~Q(decision=Decision.INVALID) | Q(decision=Decision.VALID))
        .values("nomination_id")
        .annotate(n=Count("pk"))
    )
    return {r["nomination_id"]: r["n"] for r in rows}


def vote_stats(edition: Edition) -> dict[str, Any]:
    totals = Vote.objects.filter(edition=edition).aggregate(
        total=Count("pk"),
        doubtful_votes=Count("pk", filter=Q(doubtful=True)),
        pending=Count("pk", filter=Q(doubtful=True, decision=Decision.NONE)),
        invalid=Count("pk", filter=Q(decision=Decision.INVALID)),
        by_code=Count("pk", filter=Q(method="code")),
        by_phone=Count("pk", filter=Q(method="phone")),
    )
    counts = valid_vote_counts(edition)
    totals["valid"] = sum(counts.values())
    totals["per_nomination"] = counts
    return totals


def results_snapshot(edition: Edition) -> dict[str, Any]:
    """What is published: the ten and the ranking of the shortlist, with the rules."""
    shortlisted = Nomination.objects.filter(edition=edition, shortlisted=True).select_related(
        "responsible_org"
    )
    rows = sorted(shortlisted, key=lambda n: (n.rank or 10**6, n.number))
    return {
        "edition": edition.name,
        "year": edition.year,
        "ordinal": edition.ordinal,
        "rules": {
            "criteria_weights": edition.criteria_weights,
            "expert_weight": str(edition.expert_weight),
            "public_weight": str(edition.public_weight),
            "top_n": edition.top_n,
        },
        "nominations": Nomination.objects.filter(edition=edition).count(),
        "ranking": [
            {
                "number": n.number,
                "title": n.title,
                "unit": n.public_nominator,
                "responsible": n.responsible_org.name if n.responsible_org else "",
                "expert_score": str(n.expert_score) if n.expert_score is not None else None,
                "public_score": str(n.public_score) if n.public_score is not None else None,
                "composite": str(n.composite) if n.composite is not None else None,
                "votes": n.votes_valid,
                "rank": n.rank,
                "selected": n.selected,
            }
            for n in rows
        ],
    }


def completion(year: int, org_id: int | None = None) -> dict[str, Any] | None:
    """How far the selected projects carried out in `year` have got (optionally only
    those of one responsible unit): projects, milestones due and done, latest progress."""
    projects = list(tracked_projects(year=year, org_id=org_id))
    if not projects:
        return None
    today = timezone.localdate()
    ids = [p.pk for p in projects]
    milestones = Milestone.objects.filter(project_id__in=ids).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(done_on__isnull=False)),
        overdue=Count("pk", filter=Q(done_on__isnull=True, due__lt=today)),
    )
    complete = 0
    for p in projects:
        count, done = getattr(p, "milestone_count", 0), getattr(p, "milestones_done", 0)
        complete += bool(count and done == count)

    return {
        "editions": sorted({p.edition.name for p in projects}),
        "projects": len(projects),
        "complete": complete,
        "milestones": milestones["total"],
        "milestones_done": milestones["done"],
        "milestones_overdue": milestones["overdue"],
        "as_of": today,
    }


def nominations_of_org(org_id: int | None) -> QuerySet[Nomination]:
    """A unit's own nominations and the projects it is responsible for."""
    return Nomination.objects.filter(Q(org_id=org_id) | Q(responsible_org_id=org_id))
