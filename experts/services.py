"""Writes of the 咨询专家库. Each one is atomic and writes its own audit entry.

Other modules draw their panels through `draw_prepare` and `draw_execute`
(keyword arguments only), then read the seated experts with
`experts.selectors.panel_members(draw)`:

    draw = draw_prepare(
        actor=user,                      # the office user who asks for the panel
        purpose="2023年第二届十大法治惠民实事项目评审专家组",
        purpose_code=Purpose.SELECTION,  # selection / shufa / provincial / assessment / other
        object_id=str(edition.pk),       # the object the panel serves, as text
        object_label="2023年 第二届",
        link="/selections/editions/3/",  # where the experts do the work (shown in 我的任务)
        size=5,                          # panel members, ≥ 1
        backups=2,                       # ordered backups, ≥ 0
        required_fields=["administrative"],  # ExpertField codes the panel must cover
        exclude_org_ids=[org.pk, …],     # employers / declared conflicts to avoid
        exclude_expert_ids=[],           # experts the office names as 回避
        recent_months=6,                 # 0 = no rotation rule
        require_account=True,            # only experts who can log in
        replaces=None,                   # the cancelled Draw this one draws again for
    )                                    # → Draw (已承诺: list frozen, commitment published)
    draw = draw_execute(actor=user, draw=draw)   # → Draw (已抽取: seed revealed, assignments made)

Bad parameters raise ValidationError with a Chinese message per field, and
nothing is saved.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, diff
from experts import access, masking, selectors
from experts import draw as algorithm
from experts.models import (
    SEATED,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Conflict,
    ConflictKind,
    Draw,
    DrawStatus,
    Expert,
    ExpertField,
    ExpertStatus,
    Purpose,
    Rating,
)
from orgs.models import Org

PLAIN_FIELDS = (
    "name",
    "title",
    "employer_name",
    "employer_org",
    "term_start",
    "term_end",
    "status",
    "status_note",
    "expertise",
    "remarks",
    "user",
)
CONTACT_FIELDS = ("phone", "email", "address")
# What an expert may change in its own profile (status, term and account stay with the office).
SELF_EDITABLE = frozenset({"title", "employer_name", "employer_org", "fields", *CONTACT_FIELDS, "expertise"})
MAX_SIZE = 50
# Modules that took a panel from a draw register here to follow its seats (a
# backup taking a decliner's place); each is called inside the decline's transaction.
PanelListener = Callable[[Any, Draw], None]
panel_listeners: list[PanelListener] = []
MAX_BACKUPS = 20
MAX_RECENT_MONTHS = 60
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _snapshot(expert: Expert) -> dict[str, Any]:
    """The profile for the audit log: contact details masked (the log is read by the
    audit admin, who has no business with them), fields as codes."""
    data: dict[str, Any] = {
        "name": expert.name,
        "title": expert.title,
        "employer_name": expert.employer_name,
        "employer_org": expert.employer_org_id,
        "term_start": expert.term_start,
        "term_end": expert.term_end,
        "status": expert.status,
        "status_note": expert.status_note,
        "expertise": expert.expertise,
        "remarks": expert.remarks,
        "user": expert.user_id,
        "fields": sorted(f.code for f in expert.fields.all()) if expert.pk else [],
    }
    data.update(masking.contacts(expert, reveal=False).as_dict())
    data.pop("masked")
    return data


def _field_objects(codes: Iterable[Any]) -> list[ExpertField]:
    wanted = [c.code if isinstance(c, ExpertField) else str(c) for c in codes]
    found = {f.code: f for f in ExpertField.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError({"fields": f"未知的专业领域：{'、'.join(unknown)}。"})
    return [found[c] for c in dict.fromkeys(wanted)]


def _check_profile(expert: Expert) -> None:
    errors: dict[str, str] = {}
    if not expert.name.strip():
        errors["name"] = "请填写姓名。"
    if not expert.employer_name.strip():
        errors["employer_name"] = "请填写工作单位。"
    if expert.term_start and expert.term_end and expert.term_end < expert.term_start:
        errors["term_end"] = "聘期结束日期不能早于开始日期。"
    if expert.status not in ExpertStatus.values:
        errors["status"] = "状态只能是在库、暂停或退出。"
    if expert.phone and not PHONE.match(expert.phone.strip()):
        errors["phone"] = "手机号码应为 11 位手机号，或带区号的固定电话（如 0750-3500000）。"
    if expert.user_id is not None:
        from accounts import roles
        from accounts.models import User

        user = User.objects.filter(pk=expert.user_id).first()
        if user is None or user.role_id != roles.EXPERT:
            errors["user"] = "只能关联角色为“专家”的账号。"
        elif Expert.objects.filter(user_id=expert.user_id).exclude(pk=expert.pk).exists():
            errors["user"] = "该账号已关联其他专家档案。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def expert_create(
    *,
    actor: Any,
    name: str,
    employer_name: str,
    term_start: datetime.date,
    term_end: datetime.date,
    fields: Iterable[Any] = (),
    title: str = "",
    employer_org: Org | None = None,
    status: str = ExpertStatus.ACTIVE,
    status_note: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    expertise: str = "",
    remarks: str = "",
    user: Any = None,
) -> Expert:
    expert = Expert(
        name=name.strip(),
        title=title.strip(),
        employer_name=employer_name.strip(),
        employer_org=employer_org,
        term_start=term_start,
        term_end=term_end,
        status=status,
        status_note=status_note.strip(),
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
        expertise=expertise.strip(),
        remarks=remarks.strip(),
        user=user,
    )
    _check_profile(expert)
    chosen = _field_objects(fields)
    expert.save()
    expert.fields.set(chosen)
    audit_record(actor=actor, action="experts.expert.created", target=expert, after=_snapshot(expert))
    return expert


@transaction.atomic
def expert_update(*, actor: Any, expert: Expert, **changes: Any) -> Expert:
    """Change a profile. The office may change everything; the expert itself
    only SELF_EDITABLE (its contacts, title, employer, fields and expertise)."""
    if not access.is_office(actor):
        if not access.is_own(actor, expert):
            raise PermissionDenied("只能修改本人的专家档案。")
        barred = sorted(set(changes) - SELF_EDITABLE)
        if barred:
            raise PermissionDenied("状态、聘期和登录账号由市委依法治市办维护，专家本人不能修改。")
    unknown = sorted(set(changes) - set(PLAIN_FIELDS) - set(CONTACT_FIELDS) - {"fields"})
    if unknown:
        raise ValidationError(f"不能修改的字段：{'、'.join(unknown)}。")
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    before = _snapshot(expert)
    for name, value in changes.items():
        if name != "fields":
            setattr(expert, name, value.strip() if isinstance(value, str) else value)
    _check_profile(expert)
    chosen = _field_objects(changes["fields"]) if "fields" in changes else None
    if expert.status != before["status"]:
        expert.status_changed_at = timezone.now()
    expert.save()
    if chosen is not None:
        expert.fields.set(chosen)
    old, new = diff(before, _snapshot(expert))
    if new:
        audit_record(actor=actor, action="experts.expert.updated", target=expert, before=old, after=new)
    return expert


@transaction.atomic
def conflict_declare(
    *, actor: Any, expert: Expert, kind: str, org: Org | None = None, description: str = ""
) -> Conflict:
    if not (access.is_office(actor) or access.is_own(actor, expert)):
        raise PermissionDenied("只能为本人申报利益冲突。")
    description = description.strip()
    if kind not in ConflictKind.values:
        raise ValidationError({"kind": "请选择利益冲突的类型。"})
    if org is None and not description:
        raise ValidationError({"org": "请选择相关单位，或在说明中写明利害关系。"})
    if org is not None and expert.conflicts.filter(kind=kind, org=org).exists():
        raise ValidationError({"org": f"已申报过与“{org.name}”的同类利益冲突。"})
    conflict = Conflict.objects.create(
        expert=expert, kind=kind, org=org, description=description[:200], declared_by=_user_or_none(actor)
    )
    audit_record(
        actor=actor,
        action="experts.conflict.declared",
        target=expert,
        after={"kind": kind, "org": org.pk if org else None, "description": conflict.description},
    )
    return conflict


@transaction.atomic
def conflict_withdraw(*, actor: Any, conflict: Conflict) -> None:
    if not (access.is_office(actor) or access.is_own(actor, conflict.expert)):
        raise PermissionDenied("只能撤回本人的利益冲突申报。")
    audit_record(
        actor=actor,
        action="experts.conflict.withdrawn",
        target=conflict.expert,
        before={"kind": conflict.kind, "org": conflict.org_id, "description": conflict.description},
    )
    conflict.delete()


# --------------------------------------------------------------------- draws


def _check_draw_parameters(
    *,
    purpose: str,
    purpose_code: str,
    size: int,
    backups: int,
    recent_months: int,
    exclude_org_ids: Sequence[int],
    exclude_expert_ids: Sequence[int],
) -> None:
    errors: dict[str, str] = {}
    if not purpose.strip():
        errors["purpose"] = "请填写抽取事由。"
    elif len(purpose.strip()) > 200:
        errors["purpose"] = "抽取事由不能超过 200 个字。"
    if purpose_code not in Purpose.values:
        errors["purpose_code"] = "请选择用途。"
    if not isinstance(size, int) or size < 1:
        errors["size"] = "专家组人数至少为 1 人。"
    elif size > MAX_SIZE:
        errors["size"] = f"专家组人数不能超过 {MAX_SIZE} 人。"
    if not isinstance(backups, int) or backups < 0:
        errors["backups"] = "候补人数不能为负数。"
    elif backups > MAX_BACKUPS:
        errors["backups"] = f"候补人数不能超过 {MAX_BACKUPS} 人。"
    if not isinstance(recent_months, int) or not 0 <= recent_months <= MAX_RECENT_MONTHS:
        errors["recent_months"] = f"近期回避月数应在 0 到 {MAX_RECENT_MONTHS} 之间。"
    known_orgs = set(Org.objects.filter(pk__in=list(exclude_org_ids)).values_list("pk", flat=True))
    if set(exclude_org_ids) - known_orgs:
        errors["exclude_org_ids"] = "回避单位中有不存在的单位。"
    known_experts = set(Expert.objects.filter(pk__in=list(exclude_expert_ids)).values_list("pk", flat=True))
    if set(exclude_expert_ids) - known_experts:
        errors["exclude_expert_ids"] = "指定回避的专家中有不存在的专家。"
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Preview:
    """The frozen list a draw would get now, and why it would be refused ("" if not)."""

    candidates: list[algorithm.Candidate]
    excluded: list[algorithm.Excluded]
    refused: str = ""
    refused_field: str = ""


def draw_preview(
    *,
    size: int,
    backups: int = 0,
    required_fields: Sequence[str] = (),
    exclude_org_ids: Sequence[int] = (),
    exclude_expert_ids: Sequence[int] = (),
    recent_months: int = 0,
    require_account: bool = False,
    on: datetime.date | None = None,
) -> Preview:
    """Freeze the list as draw_prepare would, saving nothing."""
    labels = selectors.field_labels()
    unknown = [f for f in required_fields if f not in labels]
    rules = algorithm.Exclusions(
        on=on or timezone.localdate(),
        org_ids=frozenset(exclude_org_ids),
        recent_months=recent_months,
        expert_ids=frozenset(exclude_expert_ids),
        require_account=require_account,
    )
    candidates, excluded = algorithm.freeze(selectors.pool_members(), rules)
    if unknown:
        return Preview(candidates, excluded, f"未知的专业领域：{'、'.join(unknown)}。", "required_fields")
    try:
        algorithm.check_parameters(
            candidates, size=size, required_fields=required_fields, backups=backups, labels=labels
        )
    except algorithm.DrawRefused as exc:
        return Preview(candidates, excluded, exc.message, exc.field or "size")
    return Preview(candidates, excluded)


@transaction.atomic
def draw_prepare(
    *,
    actor: Any,
    purpose: str,
    size: int,
    purpose_code: str = Purpose.OTHER,
    object_id: str = "",
    object_label: str = "",
    link: str = "",
    backups: int = 0,
    required_fields: Sequence[str] = (),
    exclude_org_ids: Sequence[int] = (),
    exclude_expert_ids: Sequence[int] = (),
    recent_months: int = 0,
    require_account: bool = False,
    replaces: Draw | None = None,
    now: datetime.datetime | None = None,
) -> Draw:
    """Freeze the candidate list and publish the commitment SHA-256(seed) (已承诺).

    The seed is made here from the OS's CSPRNG and stays secret until
    draw_execute (or draw_cancel) reveals it; nobody chooses it."""
    moment = _now(now)
    required = sorted(set(required_fields))
    org_ids = sorted({int(o) for o in exclude_org_ids})
    expert_ids = sorted({int(e) for e in exclude_expert_ids})
    _check_draw_parameters(
        purpose=purpose,
        purpose_code=purpose_code,
        size=size,
        backups=backups,
        recent_months=recent_months,
        exclude_org_ids=org_ids,
        exclude_expert_ids=expert_ids,
    )
    labels = selectors.field_labels()
    unknown = [f for f in required if f not in labels]
    if unknown:
        raise ValidationError({"required_fields": f"未知的专业领域：{'、'.join(unknown)}。"})
    if replaces is not None:
        replaces = Draw.objects.select_for_update().get(pk=replaces.pk)
        if replaces.status != DrawStatus.CANCELLED:
            raise ValidationError({"replaces": "只能为已取消的抽取重新抽取。"})
        if replaces.replaced_by.exists():
            raise ValidationError({"replaces": f"抽取 #{replaces.pk} 已经重新抽取过。"})
    preview = draw_preview(
        size=size,
        backups=backups,
        required_fields=required,
        exclude_org_ids=org_ids,
        exclude_expert_ids=expert_ids,
        recent_months=recent_months,
        require_account=require_account,
        on=timezone.localdate(moment),
    )
    if preview.refused:
        raise ValidationError({preview.refused_field: preview.refused})
    candidates, excluded = preview.candidates, preview.excluded
    seed = algorithm.new_seed()
    draw = Draw.objects.create(
        purpose=purpose.strip(),
        purpose_code=purpose_code,
        object_id=str(object_id)[:64],
        object_label=object_label.strip()[:200],
        link=link.strip()[:200],
        size=size,
        backups=backups,
        required_fields=required,
        exclude_org_ids=org_ids,
        exclude_expert_ids=expert_ids,
        recent_months=recent_months,
        require_account=require_account,
        candidates=[c.to_json() for c in candidates],
        excluded=[e.to_json() for e in excluded],
        commitment=algorithm.commitment(seed),
        list_digest=algorithm.list_digest(candidates, size=size, required_fields=required, backups=backups),
        seed=seed.hex(),
        replaces=replaces,
        created_by=_user_or_none(actor),
        created_at=moment,
    )
    audit_record(
        actor=actor,
        action="experts.draw.committed",
        target=draw,
        data={
            "commitment": draw.commitment,
            "list_digest": draw.list_digest,
            "algorithm": draw.algorithm,
            "size": size,
            "backups": backups,
            "required_fields": required,
            "candidates": [c.id for c in candidates],
            "excluded": [{"id": e.id, "reason": e.reason} for e in excluded],
            "exclude_org_ids": org_ids,
            "recent_months": recent_months,
            "replaces": replaces.pk if replaces else None,
        },
    )
    return draw


@transaction.atomic
def draw_execute(*, actor: Any, draw: Draw, now: datetime.datetime | None = None) -> Draw:
    """Reveal the seed and compute the panel and backups from the frozen list (已抽取).

    A draw executes once: its result never changes afterwards."""
    moment = _now(now)
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.status != DrawStatus.COMMITTED:
        raise ValidationError(f"抽取 #{draw.pk} 当前状态为“{draw.get_status_display()}”，不能再次执行。")
    seed = bytes.fromhex(draw.seed)
    if algorithm.commitment(seed) != draw.commitment:
        raise ValidationError(f"抽取 #{draw.pk} 的种子与公布的承诺值不一致，已停止执行。")
    candidates = [algorithm.Candidate.from_json(c) for c in draw.candidates]
    try:
        outcome = algorithm.draw(
            candidates,
            size=draw.size,
            required_fields=draw.required_fields,
            backups=draw.backups,
            seed=seed,
            labels=selectors.field_labels(),
        )
    except algorithm.DrawRefused as exc:
        raise ValidationError(exc.message)
    draw.result = outcome.to_json()
    draw.status = DrawStatus.EXECUTED
    draw.revealed_at = moment
    draw.executed_by = _user_or_none(actor)
    draw.executed_at = moment
    draw.save(update_fields=["result", "status", "revealed_at", "executed_by", "executed_at"])
    Assignment.objects.bulk_create(
        [
            Assignment(
                draw=draw,
                expert_id=expert_id,
                role=AssignmentRole.MEMBER,
                position=n,
                status=AssignmentStatus.ACTIVE,
                seated_at=moment,
            )
            for n, expert_id in enumerate(outcome.panel, start=1)
        ]
        + [
            Assignment(
                draw=draw,
                expert_id=expert_id,
                role=AssignmentRole.BACKUP,
                position=n,
                status=AssignmentStatus.STANDBY,
            )
            for n, expert_id in enumerate(outcome.backups, start=1)
        ]
    )
    audit_record(
        actor=actor,
        action="experts.draw.executed",
        target=draw,
        data={
            "seed": draw.seed,
            "commitment": draw.commitment,
            "list_digest": draw.list_digest,
            "panel": list(outcome.panel),
            "backups": list(outcome.backups),
        },
    )
    return draw


@transaction.atomic
def draw_cancel(*, actor: Any, draw: Draw, reason: str, now: datetime.datetime | None = None) -> Draw:
    """Cancel with a reason; the record stays, the seed is revealed (so anyone can
    see what the draw gave or would have given) and open assignments end."""
    moment = _now(now)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "取消抽取必须说明理由。"})
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.status == DrawStatus.CANCELLED:
        raise ValidationError(f"抽取 #{draw.pk} 已经取消。")
    was = draw.status
    draw.status = DrawStatus.CANCELLED
    draw.cancel_reason = reason
    draw.cancelled_by = _user_or_none(actor)
    draw.cancelled_at = moment
    draw.revealed_at = draw.revealed_at or moment
    draw.save(update_fields=["status", "cancel_reason", "cancelled_by", "cancelled_at", "revealed_at"])
    ended = Assignment.objects.filter(
        draw=draw, status__in=(AssignmentStatus.ACTIVE, AssignmentStatus.STANDBY)
    ).update(status=AssignmentStatus.CANCELLED)
    audit_record(
        actor=actor,
        action="experts.draw.cancelled",
        target=draw,
        before={"status": was},
        after={"status": draw.status},
        data={"reason": reason, "seed": draw.seed, "assignments_ended": ended},
    )
    return draw


# --------------------------------------------------------------- assignments


@transaction.atomic
def assignment_decline(
    *, actor: Any, assignment: Assignment, reason: str, now: datetime.datetime | None = None
) -> tuple[Assignment, Assignment | None]:
    """The expert (or the office on its behalf) declines with a reason. A panel
    seat goes to the first backup in order that keeps the required fields
    covered (else the first in order); returns (declined, replacement or None)."""
    moment = _now(now)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请说明谢绝或回避的理由。"})
    if not (access.is_office(actor) or access.is_own(actor, assignment.expert)):
        raise PermissionDenied("只能谢绝本人的专家任务。")
    draw = Draw.objects.select_for_update().get(pk=assignment.draw_id)
    assignment = Assignment.objects.select_for_update().select_related("expert").get(pk=assignment.pk)
    if draw.status != DrawStatus.EXECUTED or not assignment.is_open:
        raise ValidationError("该任务已结束（已谢绝、已完成或抽取已取消），不能再谢绝。")
    seat = assignment.status == AssignmentStatus.ACTIVE
    assignment.status = AssignmentStatus.DECLINED
    assignment.decline_reason = reason
    assignment.declined_at = moment
    assignment.declined_by = _user_or_none(actor)
    assignment.save(update_fields=["status", "decline_reason", "declined_at", "declined_by"])
    replacement = None
    if seat:
        listed = {c["id"]: algorithm.Candidate.from_json(c) for c in draw.candidates}
        rows = list(Assignment.objects.select_for_update().filter(draw=draw).order_by("pk"))
        panel = [listed[a.expert_id] for a in rows if a.status in SEATED] + [listed[assignment.expert_id]]
        standby = [a for a in rows if a.status == AssignmentStatus.STANDBY]
        chosen = algorithm.replacement(
            panel=panel,
            leaving=assignment.expert_id,
            standby=[listed[a.expert_id] for a in standby],
            required_fields=draw.required_fields,
        )
        if chosen is not None:
            replacement = next(a for a in standby if a.expert_id == chosen.id)
            replacement.status = AssignmentStatus.ACTIVE
            replacement.replaces = assignment
            replacement.seated_at = moment
            replacement.save(update_fields=["status", "replaces", "seated_at"])
    audit_record(
        actor=actor,
        action="experts.assignment.declined",
        target=assignment,
        data={
            "draw": draw.pk,
            "expert": assignment.expert_id,
            "role": assignment.role,
            "reason": reason,
            "replaced_by": replacement.expert_id if replacement else None,
        },
    )
    for listener in panel_listeners:
        listener(actor, draw)
    return assignment, replacement


@transaction.atomic
def assignment_evaluate(
    *,
    actor: Any,
    assignment: Assignment,
    rating: str,
    evaluation: str = "",
    now: datetime.datetime | None = None,
) -> Assignment:
    """The office records the expert's performance after the task (已完成)."""
    if not access.is_office(actor):
        raise PermissionDenied("只有市委依法治市办可以评价专家履职情况。")
    if rating not in Rating.values:
        raise ValidationError({"rating": "请选择履职评价等次。"})
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status not in (AssignmentStatus.ACTIVE, AssignmentStatus.COMPLETED):
        raise ValidationError("只能评价在专家组中履职的专家。")
    before = {"status": assignment.status, "rating": assignment.rating, "evaluation": assignment.evaluation}
    assignment.status = AssignmentStatus.COMPLETED
    assignment.rating = rating
    assignment.evaluation = evaluation.strip()
    assignment.evaluated_by = _user_or_none(actor)
    assignment.evaluated_at = _now(now)
    assignment.save(update_fields=["status", "rating", "evaluation", "evaluated_by", "evaluated_at"])
    audit_record(
        actor=actor,
        action="experts.assignment.evaluated",
        target=assignment,
        before=before,
        after={"status": assignment.status, "rating": rating, "evaluation": assignment.evaluation},
    )
    return assignment
