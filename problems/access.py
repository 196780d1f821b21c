"""Who may see and act on which problem.

The office (依法治市办) sees every problem and makes the office's steps. A unit
(any business user of an org, not an expert and not one of the three admins)
sees the problems of the orgs in its data scope (`orgs.selectors.orgs_in_scope`:
a county sees its own and those of its towns) once they have been assigned to
it, and those its own org registered (a county sending its own lost point to
整改); it makes the unit's steps on them. Anyone else is told nothing exists
(404); a step that is not the user's party's is a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import roles
from accounts.models import User
from orgs.selectors import orgs_in_scope
from problems import workflow
from problems.models import Problem, SpecialCampaign

UNIT_ROLES = (roles.TARGET, roles.ASSESSOR, roles.LEADER)


def is_office(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(roles.OFFICE))


def is_unit_user(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.org_id and user.role_id in UNIT_ROLES)


def can_see_module(user: User) -> bool:
    return is_office(user) or is_unit_user(user)


def visible_problems(user: User) -> QuerySet[Problem]:
    """Every problem `user` may know exists (unfiltered rows; add select_related at the caller)."""
    if is_office(user):
        return Problem.objects.all()
    if not is_unit_user(user):
        return Problem.objects.none()
    in_scope = Q(org__in=orgs_in_scope(user).values("pk"))
    return Problem.objects.filter(
        in_scope & (~Q(state=workflow.REGISTERED) | Q(registered_org_id=user.org_id))
    )


def role_for(user: User, problem: Problem) -> str | None:
    """The party `user` plays on `problem`: "office", "unit", or None (may only look)."""
    if is_office(user):
        return workflow.OFFICE
    if is_unit_user(user) and visible_problems(user).filter(pk=problem.pk).exists():
        return workflow.UNIT
    return None


def access_problem(user: User, pk: int) -> Problem:
    """404 for a problem the user may not know exists."""
    problem = (
        visible_problems(user)
        .select_related("org", "campaign", "registered_by", "registered_org", "duplicate_of", "source_type")
        .filter(pk=pk)
        .first()
    )
    if problem is None:
        raise Http404("问题不存在")
    return problem


def require_role(user: User, problem: Problem, role: str, what: str) -> None:
    if role_for(user, problem) != role:
        raise PermissionDenied(f"只有{workflow.ROLE_LABELS[role]}可以{what}。")


def require_office(user: User) -> None:
    """Pages and endpoints of the office alone: 404 for business users who may
    not know them, like the rest of the module."""
    if not is_office(user):
        raise Http404("页面不存在")


def can_register(user: User) -> bool:
    return is_office(user)


def access_campaign(user: User, pk: int) -> SpecialCampaign:
    """Campaigns are the office's; a unit sees a campaign it has clues in."""
    campaign = SpecialCampaign.objects.select_related("lead_org").filter(pk=pk).first()
    if campaign is None or not can_see_module(user):
        raise Http404("专项整治不存在")
    if not is_office(user) and not visible_problems(user).filter(campaign=campaign).exists():
        raise Http404("专项整治不存在")
    return campaign
