"""Who may do what with accounts. Takes the user, not the request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles
from accounts.models import User
from orgs.selectors import org_in_scope


def can_manage_users(user: User) -> bool:
    return user.has_role(roles.SYSADMIN)


def can_edit_security_policy(user: User) -> bool:
    return user.has_role(roles.SECADMIN)


def can_read_audit(user: User) -> bool:
    return user.has_role(roles.AUDITADMIN)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("没有权限执行该操作。")


def access_user(actor: User, pk: int, *, write: bool = False) -> User:
    user = User.objects.select_related("org", "role").filter(pk=pk).first()
    if user is None:
        raise Http404("用户不存在")
    if can_manage_users(actor) or actor.has_role(roles.SECADMIN):
        if write and not can_manage_users(actor):
            raise PermissionDenied("没有权限修改该用户。")
        return user
    if user.org is not None and org_in_scope(actor, user.org) and actor.has_role(roles.OFFICE):
        if write:
            raise PermissionDenied("没有权限修改该用户。")
        return user
    raise Http404("用户不存在")
