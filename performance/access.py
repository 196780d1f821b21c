"""Who may see and change 项目支出绩效自评. Takes the user, not the request.

- 依法治办 (office): every project of the city; creates, edits, reopens.
- The department's own users (any business role whose org is the project's org):
  see and edit their own projects while they are drafts, and submit them.
- Everyone else, the 三员 included: nothing (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts import roles
from accounts.models import User
from fazhi.lib.memo import per_user
from orgs.models import Org
from performance.models import BudgetProject


def sees_all_projects(user: User) -> bool:
    return bool(user.is_authenticated and user.has_role(roles.OFFICE))


def is_department_user(user: User, org_id: int | None) -> bool:
    return bool(user.is_authenticated and user.org_id and user.org_id == org_id and not user.is_admin_role)


@per_user
def can_use_performance(user: User) -> bool:
    """The nav item: the office, and users whose org owns a budget project."""
    if not user.is_authenticated or user.is_admin_role:
        return False
    if sees_all_projects(user):
        return True
    org_id = user.org_id
    return org_id is not None and BudgetProject.objects.filter(org_id=org_id).exists()


def can_create_project(user: User) -> bool:
    return bool(user.is_authenticated and not user.is_admin_role and user.org_id)


def creatable_orgs(user: User) -> QuerySet[Org]:
    if sees_all_projects(user):
        return Org.objects.filter(active=True).order_by("sort_order", "code")
    org_id = user.org_id
    if can_create_project(user) and org_id is not None:
        return Org.objects.filter(pk=org_id)
    return Org.objects.none()


def may_see(user: User, project: BudgetProject) -> bool:
    return sees_all_projects(user) or is_department_user(user, project.org_id)


def access_project(user: User, pk: int, *, write: bool = False) -> BudgetProject:
    """404 for a project the user may not know of; 403 for changing a submitted one."""
    project = BudgetProject.objects.select_related("org", "submitted_by").filter(pk=pk).first()
    if project is None or not may_see(user, project):
        raise Http404("项目不存在")
    if write and not project.is_draft:
        raise PermissionDenied("项目已提交，不能修改；如需修改请联系市委依法治市办退回。")
    return project


def can_reopen(user: User, project: BudgetProject) -> bool:
    return sees_all_projects(user) and not project.is_draft


def can_delete(user: User, project: BudgetProject) -> bool:
    return sees_all_projects(user) and project.is_draft


def require_reopen(user: User, project: BudgetProject) -> None:
    if not can_reopen(user, project):
        raise PermissionDenied("只有市委依法治市办可以退回已提交的项目。")
