"""Who may see and change what in the 惠民实事 selection.

- the office (依法治办) runs it and sees everything;
- an expert sees only the reviews assigned to it (and the nominations behind them);
- a unit (any business user of an org) sees its own unit's nominations and the
  selected projects it is responsible for, and reports on those;
- the three admins see nothing (404); the public uses the pages under /public/.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles
from selections.models import Edition, Milestone, Nomination, Review


def is_office(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.OFFICE))


def is_expert(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.EXPERT))


def is_unit_user(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.role_id
        and not user.is_admin_role
        and user.role_id not in (roles.EXPERT, roles.OFFICE)
        and user.org_id
    )


def can_see_module(user: Any) -> bool:
    return is_office(user) or is_expert(user) or is_unit_user(user)


def require_office(user: Any, message: str = "只有市委依法治市办可以执行该操作。") -> None:
    if not is_office(user):
        raise PermissionDenied(message)


def access_edition(user: Any, pk: int, *, write: bool = False) -> Edition:
    """Every business user may open an edition (to nominate, see its phase); only the office changes it."""
    edition = Edition.objects.filter(pk=pk).first()
    if edition is None or not can_see_module(user):
        raise Http404("评选不存在")
    if write:
        require_office(user)
    return edition


def access_nomination(user: Any, pk: int, *, write: bool = False) -> Nomination:
    """The office; the nominating unit's users; an expert with a review of it."""
    nomination = (
        Nomination.objects.select_related("edition", "org", "responsible_org", "screened_by")
        .filter(pk=pk)
        .first()
    )
    if nomination is None:
        raise Http404("推荐项目不存在")
    office = is_office(user)
    own = is_unit_user(user) and user.org_id in {nomination.org_id, nomination.responsible_org_id}
    reviewer = is_expert(user) and Review.objects.filter(nomination=nomination, member__user=user).exists()
    if not (office or own or reviewer):
        raise Http404("推荐项目不存在")
    if write:
        require_office(user, "只有市委依法治市办可以审查推荐项目、确定责任单位。")
    return nomination


def access_review(user: Any, pk: int, *, write: bool = False) -> Review:
    """An expert's own review; the office may read every review."""
    review = Review.objects.select_related("member__user", "nomination__edition").filter(pk=pk).first()
    if review is None:
        raise Http404("评审不存在")
    own = is_expert(user) and review.member.user_id == user.pk
    if not (own or is_office(user)):
        raise Http404("评审不存在")
    if write and not own:
        raise PermissionDenied("只有被分配的专家本人可以填写评分。")
    return review


def access_project(user: Any, pk: int, *, report: bool = False) -> Nomination:
    """A selected project under tracking: the office, or its responsible unit."""
    project = (
        Nomination.objects.select_related("edition", "responsible_org")
        .filter(pk=pk, selected=True, edition__phase__in=("published", "tracking"))
        .first()
    )
    if project is None:
        raise Http404("项目不存在")
    own = is_unit_user(user) and project.responsible_org_id == user.org_id
    if not (is_office(user) or own):
        raise Http404("项目不存在")
    if report and not (own or is_office(user)):
        raise PermissionDenied("只有责任单位可以报告进展。")
    return project


def access_milestone(user: Any, pk: int) -> Milestone:
    milestone = Milestone.objects.select_related("project").filter(pk=pk).first()
    if milestone is None:
        raise Http404("节点不存在")
    access_project(user, milestone.project_id, report=True)
    return milestone
