"""Writes of 经办 / 审核 duties: the office or the system admin gives each
person of an assessing unit one scoring duty (never both). What the duty
allows is decided in `assessments.access.duty_refusal`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from assessments import access
from assessments.models import Duty, ScoringDuty
from audit.services import audit_record


@transaction.atomic
def scoring_duty_assign(*, actor: User, user: User, duty: str | None) -> ScoringDuty | None:
    """Give `user` the 经办 (`enter`) or 审核 (`review`) duty at its assessing
    unit, replacing the duty it held (one row per person, so nobody holds
    both); `duty=None` removes it. Returns the duty row, or None once removed."""
    if not access.can_assign_duties(actor):
        raise PermissionDenied("只有依法治办或系统管理员可以分配经办、审核职责。")
    if duty not in (None, *Duty.values):
        raise ValidationError({"duty": "职责须为经办（enter）或审核（review）。"})
    org = user.org
    if not access.is_assessor(user) or org is None or not org.is_assessor:
        raise ValidationError({"user": "只能为考评单位的考评人员分配经办或审核职责。"})
    current = ScoringDuty.objects.select_for_update().filter(user=user).first()
    before = {"org": current.org_id, "duty": current.duty} if current else {"duty": None}
    if duty is None:
        if current is None:
            return None
        current.delete()
        row = None
    elif current is None:
        row = ScoringDuty.objects.create(user=user, org=org, duty=duty, assigned_by=actor)
    else:
        current.org, current.duty, current.assigned_by = org, duty, actor
        current.save(update_fields=["org", "duty", "assigned_by", "assigned_at"])
        row = current
    after = {"org": org.pk, "duty": duty}
    if before != after:
        audit_record(
            actor=actor,
            action="assessments.scoring_duty.removed"
            if duty is None
            else "assessments.scoring_duty.assigned",
            target=user,
            target_repr=f"{user.display_name}（{org.display_name}）",
            before=before,
            after=after,
        )
    return row
