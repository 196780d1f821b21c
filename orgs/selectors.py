"""Reads of the org tree, and the one data-scope rule everyone uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from orgs.models import Org

if TYPE_CHECKING:
    from accounts.models import User

SCOPE_OWN = "own"
SCOPE_SUBTREE = "subtree"
SCOPE_ALL = "all"


def org_subtree(org: Org) -> QuerySet[Org]:
    return Org.objects.filter(path__startswith=org.path)


def orgs_in_scope(user: User) -> QuerySet[Org]:
    """The orgs whose data `user` may see under its role's data scope."""
    if not user.is_authenticated or user.org is None:
        return Org.objects.none()
    scope = user.data_scope
    if scope == SCOPE_ALL:
        return Org.objects.all()
    if scope == SCOPE_SUBTREE:
        return Org.objects.filter(path__startswith=user.org.path)
    return Org.objects.filter(pk=user.org.pk)


def org_in_scope(user: User, org: Org) -> bool:
    if not user.is_authenticated or user.org is None:
        return False
    scope = user.data_scope
    if scope == SCOPE_ALL:
        return True
    if scope == SCOPE_SUBTREE:
        return org.path.startswith(user.org.path)
    return org.pk == user.org_id


def org_list(*, user: User, query: str = "", type: str = "") -> QuerySet[Org]:
    qs = orgs_in_scope(user).select_related("parent")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(short_name__icontains=query))
    if type:
        qs = qs.filter(type=type)
    return qs


def targets() -> QuerySet[Org]:
    return Org.objects.filter(is_target=True, active=True).order_by("code")


def assessors() -> QuerySet[Org]:
    return Org.objects.filter(is_assessor=True, active=True).order_by("sort_order", "code")
