"""Reads of 述、评、督、考、责: lists with their joins decided here, the
aggregates the linkage rules read, and the dossiers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from accountability import access, linkage, problems_link
from accountability.models import (
    AccountabilityAction,
    Finding,
    InspectionPlan,
    Rating,
    ShufaReport,
    ShufaRound,
)
from accounts.models import User
from orgs.models import Org


def business_users() -> QuerySet[User]:
    """The accounts a 督察组 or a round's reviewers are chosen from (`access.is_business`)."""
    return (
        User.objects.filter(is_active=True, role_id__in=access.BUSINESS_ROLES)
        .select_related("org")
        .order_by("org__code", "username")
    )


def rounds() -> QuerySet[ShufaRound]:
    return ShufaRound.objects.all()


def reports() -> QuerySet[ShufaReport]:
    return ShufaReport.objects.select_related("round", "leader", "org").prefetch_related(
        "evidence", Prefetch("ratings", queryset=Rating.objects.select_related("reviewer"))
    )


def plans() -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.prefetch_related("targets", "team")


def findings() -> QuerySet[Finding]:
    return Finding.objects.select_related("plan", "target", "record")


def actions() -> QuerySet[AccountabilityAction]:
    return AccountabilityAction.objects.select_related("org", "leader", "decided_by")


def rating_summary(report: ShufaReport) -> linkage.RatingSummary:
    """From the prefetched ratings of `reports()`."""
    return linkage.aggregate((r.grade, r.score) for r in report.ratings.all())


def published_result(org: Org, year: int) -> dict[str, Any] | None:
    """The org's row of the published ranking of the year's campaign (None if unpublished)."""
    from assessments.models import Publication

    publication = Publication.objects.filter(campaign__year=year).order_by("-pk").first()
    if publication is None:
        return None
    for row in publication.snapshot.get("ranking", []):
        if row.get("code") == org.code:
            return {**row, "campaign": publication.snapshot.get("campaign", {}).get("name", "")}
    return None


def finding_facts(org: Org, year: int) -> list[linkage.FindingFact]:
    return [
        linkage.FindingFact(f.severity, bool(f.rectified_on and f.rectified_on <= f.deadline))
        for f in Finding.objects.filter(target=org, plan__year=year)
    ]


@dataclass
class Subject:
    org: Org
    leader: Any
    facts: linkage.Facts


def _grade(org: Org, year: int) -> str | None:
    result = published_result(org, year)
    return result.get("grade") if result else None


def accountability_subjects(year: int) -> Iterator[Subject]:
    """Each leader with a report this year, then each org whose leaders have no
    report and that has findings, or overdue or repeated problems in the tracker
    (problems_link), this year."""
    covered: set[int] = set()
    for report in reports().filter(round__year=year):
        covered.add(report.org_id)
        facts = linkage.Facts(
            grade=_grade(report.org, year),
            ratings=rating_summary(report),
            overdue_days=problems_link.overdue_days(org=report.org, year=year),
            repeated=problems_link.repeated_count(org=report.org, year=year),
        )
        yield Subject(report.org, report.leader, facts)
    with_findings = set(Finding.objects.filter(plan__year=year).values_list("target_id", flat=True))
    candidates = with_findings | problems_link.candidate_org_ids(year=year)
    for org in Org.objects.filter(pk__in=candidates - covered).order_by("code"):
        facts = linkage.Facts(
            grade=_grade(org, year),
            overdue_days=problems_link.overdue_days(org=org, year=year),
            repeated=problems_link.repeated_count(org=org, year=year),
        )
        if org.pk in with_findings or facts.overdue_days or facts.repeated:
            yield Subject(org, None, facts)


@dataclass
class Dossier:
    year: int
    org: Org
    leader: Any = None
    reports: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    deduction: Any = None
    result: dict[str, Any] | None = None
    actions: list[AccountabilityAction] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "org": {"id": self.org.pk, "code": self.org.code, "name": self.org.name},
            "leader": {"id": self.leader.pk, "name": self.leader.display_name} if self.leader else None,
            "reports": [
                {
                    "id": r["report"].pk,
                    "leader": r["report"].leader.display_name,
                    "state": r["report"].state,
                    "submitted_at": r["report"].submitted_at.isoformat()
                    if r["report"].submitted_at
                    else None,
                    "rating": r["summary"].as_dict(),
                }
                for r in self.reports
            ],
            "findings": [
                {
                    "id": f.pk,
                    "plan": f.plan.topic,
                    "text": f.text,
                    "severity": f.severity,
                    "deadline": f.deadline.isoformat(),
                    "rectified_on": f.rectified_on.isoformat() if f.rectified_on else None,
                }
                for f in self.findings
            ],
            "finding_deduction": str(self.deduction),
            "result": self.result,
            "actions": [
                {
                    "id": a.pk,
                    "kind": a.kind,
                    "label": a.get_kind_display(),
                    "state": a.state,
                    "basis": a.basis,
                }
                for a in self.actions
            ],
        }


# Points of the campaign's 督察 indicator that findings can cost (linkage.finding_deduction caps at it).
FINDING_CAP = 5


def dossier(*, org: Org, year: int, leader: Any = None) -> Dossier:
    """The year's 述、评、督、考、责 of an org, or of one leader of it."""
    report_qs = reports().filter(round__year=year, org=org)
    action_qs = actions().filter(year=year, org=org)
    if leader is not None:
        report_qs = report_qs.filter(leader=leader)
        action_qs = action_qs.filter(leader=leader)
    found = list(findings().filter(target=org, plan__year=year))
    facts = [
        linkage.FindingFact(f.severity, bool(f.rectified_on and f.rectified_on <= f.deadline)) for f in found
    ]
    return Dossier(
        year=year,
        org=org,
        leader=leader,
        reports=[{"report": r, "summary": rating_summary(r)} for r in report_qs],
        findings=found,
        deduction=linkage.finding_deduction(facts, cap=Decimal(FINDING_CAP)),
        result=published_result(org, year),
        actions=list(action_qs),
    )
