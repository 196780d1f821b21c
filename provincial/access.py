"""Who may see and change what in 迎检.

The office (依法治办) runs it and sees everything. A responsible unit sees only
the tasks assigned to its own org, and changes them only while they are open
(待提交 or 已退回). Everyone else, the three admins included, is told nothing
exists (404)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles
from accounts.models import User
from fazhi.lib.memo import per_user
from provincial import selectors
from provincial.models import ProvincialFramework, ProvincialIndicator, Task


def is_office(user: User) -> bool:
    return user.is_authenticated and user.has_role(roles.OFFICE)


def is_unit_user(user: User) -> bool:
    """A business user of some org (not one of the three admins)."""
    return bool(user.is_authenticated and user.role_id and not user.is_admin_role and user.org_id)


@per_user
def can_see_module(user: User) -> bool:
    return is_office(user) or (is_unit_user(user) and selectors.org_has_tasks(user.org_id))


def can_report(user: User, task: Task) -> bool:
    """The unit fills in notes, estimate and evidence while the task is open."""
    return is_unit_user(user) and task.org_id == user.org_id and task.is_open


def can_review(user: User, task: Task) -> bool:
    return is_office(user)


def access_framework(user: User, pk: int) -> ProvincialFramework:
    framework = ProvincialFramework.objects.select_related("imported_by").filter(pk=pk).first()
    if framework is None or not is_office(user):
        raise Http404("考评指标体系不存在")
    return framework


def access_indicator(user: User, pk: int) -> ProvincialIndicator:
    indicator = ProvincialIndicator.objects.select_related("framework").filter(pk=pk).first()
    if indicator is None or not is_office(user):
        raise Http404("指标不存在")
    return indicator


def access_task(user: User, pk: int, *, write: bool = False) -> Task:
    """404 unless the office or the task's own unit; 403 for writing a task the
    user may see but not change (a submitted or accepted task, for the unit)."""
    task = selectors.tasks().filter(pk=pk).first()
    if task is None or not (is_office(user) or (is_unit_user(user) and task.org_id == user.org_id)):
        raise Http404("任务不存在")
    if write and not (is_office(user) or can_report(user, task)):
        raise PermissionDenied("该任务已提交或已通过，不能再修改；如需修改请联系依法治市办退回。")
    return task


def require_report(user: User, task: Task) -> None:
    if not can_report(user, task):
        raise PermissionDenied("只有责任单位可以在任务待提交或已退回时填报。")


def require_review(user: User, task: Task) -> None:
    if not can_review(user, task):
        raise PermissionDenied("只有市委依法治市办可以审核、修改或撤回任务。")
