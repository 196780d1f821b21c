"""Reusable reads of accounts."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from accounts.models import AdminRoleRequest, User


def user_by_username(username: str) -> User | None:
    """Usernames are unique regardless of case (the forms and the import refuse a clash)."""
    username = username.strip()
    if not username:
        return None
    return User.objects.select_related("role", "org").filter(username__iexact=username).first()


def admin_role_requests() -> QuerySet[AdminRoleRequest]:
    """Every 三员授权 request, pending ones first, then the newest."""
    return (
        AdminRoleRequest.objects.select_related("role", "user", "new_org", "proposed_by", "decided_by")
        .annotate(
            pending_first=Case(
                When(status=AdminRoleRequest.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending_first", "-proposed_at", "-pk")
    )
