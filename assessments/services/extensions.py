"""Phase deadlines lock editing: a target's 自评 after the 自评填报 deadline and
a unit's 评分 after the 考评评分 deadline are refused — the deadline day itself
is still open — unless the office granted that unit an extension (延期), which
is kept on record and audited. `deadline_problem` is the one rule; the
self-assessment and score services ask it."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from accounts.models import User
from assessments import access
from assessments.models import LOCKING_PHASES, PHASE_ORDER, Campaign, DeadlineExtension, Phase, PhaseDeadline
from audit.services import audit_record
from orgs.models import Org

PHASE_LABEL = dict(Phase.choices)


def effective_due(campaign: Campaign, org_id: int, phase: str) -> tuple[datetime.date | None, bool]:
    """(the last day `org_id` may edit `phase`, whether it is an extension);
    (None, False) when the phase has no deadline. Read once per campaign object."""
    cache = campaign.__dict__.setdefault("_due_cache", {})
    key = (org_id, phase)
    if key not in cache:
        latest = (
            DeadlineExtension.objects.filter(campaign=campaign, org_id=org_id, phase=phase)
            .order_by("-granted_at", "-pk")
            .values("due_on")[:1]
        )
        row = (
            PhaseDeadline.objects.filter(campaign=campaign, phase=phase)
            .order_by()
            .annotate(extended_to=Subquery(latest))
            .values_list("due_on", "extended_to")
            .first()
        )
        if row is None:
            cache[key] = (None, False)
        elif row[1] is not None:
            cache[key] = (row[1], True)
        else:
            cache[key] = (row[0], False)
    return cache[key]


def deadline_problem(
    campaign: Campaign, org_id: int | None, phase: str, *, today: datetime.date | None = None
) -> str | None:
    """Why `org_id` may no longer edit `phase` of `campaign` (in Chinese), or None."""
    if org_id is None or phase not in LOCKING_PHASES:
        return None
    due, extended = effective_due(campaign, org_id, phase)
    today = today or timezone.localdate()
    if due is None or today <= due:
        return None
    label = PHASE_LABEL[phase]
    if extended:
        return f"本单位「{label}」延期已于 {due:%Y-%m-%d} 截止，不能再修改。"
    return f"「{label}」已于 {due:%Y-%m-%d} 截止，不能再修改。如确需延期，请联系依法治办。"


@transaction.atomic
def deadline_extension_grant(
    *, actor: User, campaign: Campaign, org: Org, phase: str, due_on: datetime.date, reason: str
) -> DeadlineExtension:
    """The office grants `org` until `due_on` to edit `phase` (自评填报 for a
    target, 考评评分 for an assessing unit of the campaign), with a reason."""
    if not access.can_manage(actor):
        raise PermissionDenied("只有依法治办可以批准延期。")
    errors: dict[str, str] = {}
    if phase not in LOCKING_PHASES:
        errors["phase"] = "只有「自评填报」和「考评评分」阶段可以延期。"
    elif phase == Phase.SELF_ASSESS and not campaign.targets.filter(pk=org.pk).exists():
        errors["org"] = f"{org.display_name}不是本次考评的被考评单位。"
    elif phase == Phase.SCORING and not campaign.assessors.filter(pk=org.pk).exists():
        errors["org"] = f"{org.display_name}不是本次考评的考评单位。"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写延期理由。"
    today = timezone.localdate()
    if due_on < today:
        errors["due_on"] = f"延期日期 {due_on:%Y-%m-%d} 已过，请选择今天（{today:%Y-%m-%d}）或以后的日期。"
    if phase in LOCKING_PHASES and "due_on" not in errors:
        due = (
            PhaseDeadline.objects.filter(campaign=campaign, phase=phase)
            .values_list("due_on", flat=True)
            .first()
        )
        if due is not None and due_on <= due:
            errors["due_on"] = f"延期日期须晚于「{PHASE_LABEL[phase]}」截止日期 {due:%Y-%m-%d}。"
    if phase in LOCKING_PHASES and campaign.phase_index > PHASE_ORDER.index(phase):
        errors["phase"] = f"「{PHASE_LABEL[phase]}」阶段已结束，延期已无意义。"
    if errors:
        raise ValidationError(errors)
    extension = DeadlineExtension.objects.create(
        campaign=campaign, org=org, phase=phase, due_on=due_on, reason=reason, granted_by=actor
    )
    audit_record(
        actor=actor,
        action="assessments.deadline_extension.granted",
        target=extension,
        target_repr=f"{campaign} {org.display_name} {PHASE_LABEL[phase]}",
        data={"campaign": campaign.pk, "org": org.pk, "phase": phase, "due_on": due_on, "reason": reason},
    )
    return extension
