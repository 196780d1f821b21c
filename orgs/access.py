from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles
from accounts.models import User
from orgs.models import Org
from orgs.selectors import org_in_scope


def can_edit_orgs(user: User) -> bool:
    return user.has_role(roles.SYSADMIN)


def can_view_orgs(user: User) -> bool:
    return user.is_authenticated and not user.has_role(roles.AUDITADMIN, roles.SECADMIN)


def access_org(user: User, pk: int, *, write: bool = False) -> Org:
    org = Org.objects.select_related("parent").filter(pk=pk).first()
    if org is None or not can_view_orgs(user) or not (org_in_scope(user, org) or can_edit_orgs(user)):
        raise Http404("单位不存在")
    if write and not can_edit_orgs(user):
        raise PermissionDenied("只有系统管理员可以修改组织机构。")
    return org
