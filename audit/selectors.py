from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from audit.models import AuditEntry


def audit_entries(
    *,
    person: str = "",
    target: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    if person:
        qs = qs.filter(actor_name__icontains=person)
    if target:
        qs = qs.filter(
            Q(target_repr__icontains=target) | Q(target_type__icontains=target) | Q(target_id=target)
        )
    if action:
        qs = qs.filter(action__icontains=action)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs
