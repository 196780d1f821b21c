"""Writes of the problem tracker. Each one is atomic, checks the state machine
(`problems/workflow.py`), leaves a `ProblemEvent` in the problem's history and
writes its audit entry in the same transaction.

For other modules — the 督察 findings of `accountability` open problems here:

    from problems.models import Source
    from problems.services import problem_register

    problem = problem_register(
        actor=user,                      # who registers (the office); None for the system
        source=Source.INSPECTION,        # 督察 / 专项整治 / 考评失分 / 群众举报 / 12345转办 / 其他
        title="执法案卷归档不及时",        # ≤ 200 characters
        org=finding.org,                 # 责任单位 (an orgs.Org)
        description="…",
        category="执法不规范",            # free text; one of campaign.categories when campaign is given
        severity=Severity.SERIOUS,       # normal / serious / grave
        deadline=datetime.date(2026, 12, 31),  # optional; not before the registration date
        supervised=False,                # 挂牌督办
        campaign=None,                   # a SpecialCampaign
        source_object=finding,           # any model instance: kept as a generic link
        source_label="2026年度综合督察 · 发现问题 3",
        source_ref={"inspection": 7},    # JSON-safe references shown with the problem
    )

It raises django.core.exceptions.ValidationError (a dict of field → Chinese
message) on bad input and writes nothing then. The problem starts 已登记; the
office then 交办 it to the unit (`problem_transition(action="assign", …)`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from audit.services import audit_record, diff, snapshot
from orgs.models import Org
from problems import access, lost_points, workflow
from problems.models import (
    CampaignMeasure,
    ExtensionRequest,
    ExtensionStatus,
    Problem,
    ProblemEvent,
    Severity,
    Source,
    SpecialCampaign,
)

PROBLEM_FIELDS = (
    "source",
    "category",
    "title",
    "description",
    "org_id",
    "severity",
    "supervised",
    "state",
    "deadline",
    "campaign_id",
    "duplicate_of_id",
    "source_label",
    "rectify_mode",
)
# audit action per workflow action (past tense, namespaced)
DONE = {
    workflow.ASSIGN: "assigned",
    workflow.SIGN: "signed",
    workflow.RETURN: "returned",
    workflow.VERIFY: "verified",
    workflow.PLAN: "planned",
    workflow.RECTIFY_NOW: "rectified_at_once",
    workflow.COMPLETE: "rectified",
    workflow.ACCEPT: "accepted",
    workflow.REJECT: "rejected",
    workflow.CLOSE: "closed",
    workflow.DISMISS: "dismissed",
}
MAX_NOTE = 5000


class OutOfOrder(ValidationError):
    """A step that the problem's current state does not allow (the API answers 409)."""


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _date_text(value: datetime.date) -> str:
    return f"{value:%Y-%m-%d}"


def check_deadline(
    deadline: datetime.date, *, registered: datetime.date, today: datetime.date, field: str = "deadline"
) -> None:
    """A deadline is neither before the problem's registration nor in the past."""
    if deadline < registered:
        raise ValidationError(
            {field: f"期限 {_date_text(deadline)} 早于问题的登记日期 {_date_text(registered)}，请重新选择。"}
        )
    if deadline < today:
        raise ValidationError(
            {field: f"期限 {_date_text(deadline)} 已经过去，请选择今天（{_date_text(today)}）或以后的日期。"}
        )


def _check_text(value: str, field: str, label: str, *, max_length: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > max_length:
        raise ValidationError({field: f"{label}不能超过 {max_length} 个字符（现有 {len(text)} 个）。"})
    return text


def _check_category(category: str, campaign: SpecialCampaign | None) -> str:
    category = _check_text(category, "category", "问题类别", max_length=50)
    if campaign is not None and campaign.categories and category not in campaign.categories:
        raise ValidationError(
            {"category": f"「{campaign.name}」的问题类别只有：{'、'.join(campaign.categories)}。"}
        )
    return category


def _event(
    problem: Problem,
    action: str,
    *,
    actor: Any,
    at: datetime.datetime,
    from_state: str = "",
    note: str = "",
    deadline: datetime.date | None = None,
) -> ProblemEvent:
    user = _actor(actor)
    return ProblemEvent.objects.create(
        problem=problem,
        action=action,
        from_state=from_state,
        to_state=problem.state,
        actor=user,
        actor_name=user.display_name if user else "系统",
        actor_org_id=user.org_id if user else None,
        org_id=problem.org_id,
        note=note,
        deadline=deadline,
        created_at=at,
    )


def _attach_files(event: ProblemEvent, files: Sequence[Any], *, actor: Any) -> None:
    """Store each file through the attachments service (content check, size limit,
    hash) under the problem's unit; a refused file undoes the whole step."""
    if not files:
        return
    from attachments.services import attachment_create

    for upload in files[:20]:
        try:
            attachment = attachment_create(actor=actor, uploaded_file=upload, org=event.problem.org)
        except ValidationError as exc:
            raise ValidationError({"files": f"「{getattr(upload, 'name', '')}」：{'；'.join(exc.messages)}"})
        event.attachments.add(attachment)


# --------------------------------------------------------------------------- registration


@transaction.atomic
def problem_register(
    *,
    actor: Any,
    source: str,
    title: str,
    org: Org,
    description: str = "",
    category: str = "",
    severity: str = Severity.NORMAL,
    deadline: datetime.date | None = None,
    supervised: bool = False,
    campaign: SpecialCampaign | None = None,
    source_object: models.Model | None = None,
    source_label: str = "",
    source_ref: dict[str, Any] | None = None,
    registered_at: datetime.datetime | None = None,
    today: datetime.date | None = None,
    deadline_as_set: bool = False,
) -> Problem:
    """登记 a problem (see the module docstring for the arguments). Likely
    duplicates are not refused: `selectors.likely_duplicates(problem)` lists them.
    `deadline_as_set=True` takes a deadline decided elsewhere as it stands (a
    督察 finding's 整改期限, which may have passed when the finding is carried over)."""
    if source not in Source.values:
        raise ValidationError({"source": "请选择问题来源。"})
    if severity not in Severity.values:
        raise ValidationError({"severity": "请选择严重程度。"})
    title = _check_text(title, "title", "问题标题", max_length=200, required=True)
    description = _check_text(description, "description", "问题描述", max_length=MAX_NOTE)
    category = _check_category(category, campaign)
    if org is None or not org.active:
        raise ValidationError({"org": "请选择责任单位（须为启用的单位）。"})
    at = _now(registered_at)
    if deadline is not None and not deadline_as_set:
        check_deadline(deadline, registered=timezone.localdate(at), today=_today(today))
    user = _actor(actor)
    problem = Problem.objects.create(
        source=source,
        category=category,
        title=title,
        description=description,
        org=org,
        severity=severity,
        supervised=supervised,
        state=workflow.REGISTERED,
        deadline=deadline,
        campaign=campaign,
        source_type=ContentType.objects.get_for_model(source_object) if source_object is not None else None,
        source_id=str(source_object.pk) if source_object is not None else "",
        source_label=source_label[:300],
        source_ref=source_ref or {},
        registered_by=user,
        registered_org_id=user.org_id if user else None,
        registered_at=at,
    )
    _event(problem, ProblemEvent.REGISTERED, actor=actor, at=at, note=description[:500], deadline=deadline)
    if supervised:
        _event(problem, ProblemEvent.SUPERVISED, actor=actor, at=at, from_state=problem.state)
    audit_record(
        actor=actor,
        action="problems.problem.registered",
        target=problem,
        target_repr=str(problem),
        after=snapshot(problem, PROBLEM_FIELDS),
        data={"source_type": str(problem.source_type or ""), "source_id": problem.source_id},
    )
    return problem


def lost_point_problem(publication_id: int, target_code: str, indicator_code: str) -> Problem | None:
    return Problem.objects.filter(
        source=Source.ASSESSMENT,
        source_ref__publication=publication_id,
        source_ref__target=target_code,
        source_ref__indicator=indicator_code,
    ).first()


def problem_register_lost_point(
    *,
    actor: Any,
    publication: Any,
    target: Org,
    indicator: Any,
    entry: dict[str, Any],
    section_name: str = "",
    score: models.Model | None = None,
) -> Problem:
    """A lost point of a published 考评 (the snapshot's `entry`) becomes a problem
    of its target: source 考评失分, linked to the score (else the indicator), once
    per publication × target × indicator."""
    year = publication.campaign.year
    if lost_point_problem(publication.pk, target.code, indicator.code) is not None:
        raise ValidationError("该失分项已列入整改清单。")
    return problem_register(
        actor=actor,
        source=Source.ASSESSMENT,
        title=lost_points.title(indicator.code, indicator.name, entry["points_lost"]),
        org=target,
        description=lost_points.reason(entry),
        category=section_name,
        source_object=score if score is not None else indicator,
        source_label=lost_points.label(year, target.name, indicator.code),
        source_ref=lost_points.ref(
            publication_id=publication.pk,
            year=year,
            target_code=target.code,
            indicator_code=indicator.code,
            points_lost=entry["points_lost"],
            score=entry.get("score_id"),
        ),
    )


# --------------------------------------------------------------------------- transitions


def _locked(problem: Problem) -> Problem:
    """The row, locked for this transaction, so two people acting at once are serialised."""
    return Problem.objects.select_for_update().select_related("org").get(pk=problem.pk)


def _role(actor: Any, problem: Problem) -> str:
    role = access.role_for(actor, problem) if getattr(actor, "pk", None) else None
    if role is None:
        raise PermissionDenied("没有权限办理该问题。")
    return role


def _next_state(current: Problem, action: str, role: str) -> workflow.Transition:
    try:
        workflow.next_state(current.state, action, role)
    except workflow.TransitionRefused as exc:
        if exc.kind == "role":
            raise PermissionDenied(exc.message)
        raise OutOfOrder(exc.message)
    return workflow.TRANSITIONS[action]


@dataclass(frozen=True)
class StepInput:
    """What a step may carry besides the action (checked against the transition's needs)."""

    deadline: datetime.date | None = None
    org: Org | None = None
    duplicate_of: Problem | None = None


def _apply(
    problem: Problem,
    step: workflow.Transition,
    given: StepInput,
    *,
    today: datetime.date,
    at: datetime.datetime,
) -> None:
    """Set the fields the step changes (validating what it needs)."""
    registered = timezone.localdate(problem.registered_at)
    if step.needs_deadline and given.deadline is None:
        raise ValidationError(
            {"deadline": f"请填写{'办理期限' if step.action == workflow.ASSIGN else '整改期限'}。"}
        )
    if given.deadline is not None and (step.needs_deadline or step.action == workflow.REJECT):
        check_deadline(given.deadline, registered=registered, today=today)
        problem.deadline = given.deadline
    if step.action == workflow.ASSIGN:
        org = given.org or problem.org
        if not org.active:
            raise ValidationError({"org": "责任单位已停用，请选择其他单位。"})
        problem.org = org
        problem.assigned_at = at
    elif step.action == workflow.PLAN:
        problem.rectify_mode = "planned"
    elif step.action == workflow.RECTIFY_NOW:
        problem.rectify_mode = "immediate"
    elif step.action == workflow.CLOSE:
        problem.closed_at = at
    elif step.action == workflow.DISMISS and given.duplicate_of is not None:
        if given.duplicate_of.pk == problem.pk:
            raise ValidationError({"duplicate_of": "不能标记为与自身重复。"})
        problem.duplicate_of = given.duplicate_of


@transaction.atomic
def problem_transition(
    *,
    actor: Any,
    problem: Problem,
    action: str,
    note: str = "",
    deadline: datetime.date | None = None,
    org: Org | None = None,
    duplicate_of: Problem | None = None,
    files: Sequence[Any] = (),
    at: datetime.datetime | None = None,
    today: datetime.date | None = None,
) -> Problem:
    """One step of the flow by `actor` (the office or the responsible unit).

    Raises PermissionDenied when the step is the other party's, OutOfOrder (a
    ValidationError) when the problem's state does not allow it, and
    ValidationError for a missing reason, a deadline before the registration or
    in the past, or a refused file. Nothing is written then."""
    current = _locked(problem)
    step = _next_state(current, action, _role(actor, current))
    note = _check_text(note, "note", step.note_label, max_length=MAX_NOTE, required=step.needs_note)
    before = snapshot(current, PROBLEM_FIELDS)
    from_state = current.state
    when = _now(at)
    _apply(current, step, StepInput(deadline, org, duplicate_of), today=_today(today), at=when)
    current.state = step.target
    current.save()
    event = _event(
        current,
        action,
        actor=actor,
        at=when,
        from_state=from_state,
        note=note,
        deadline=current.deadline if step.needs_deadline or deadline else None,
    )
    _attach_files(event, files, actor=actor)
    old, new = diff(before, snapshot(current, PROBLEM_FIELDS))
    audit_record(
        actor=actor,
        action=f"problems.problem.{DONE[action]}",
        target=current,
        target_repr=str(current),
        before=old,
        after=new,
        data={"note": note[:500], "event": event.pk},
    )
    return current


@transaction.atomic
def problem_supervise(
    *, actor: Any, problem: Problem, on: bool, note: str = "", at: datetime.datetime | None = None
) -> Problem:
    """挂牌督办 (or lift it): the office's, on an open problem."""
    current = _locked(problem)
    if _role(actor, current) != workflow.OFFICE:
        raise PermissionDenied("只有市委依法治市办可以挂牌督办。")
    if not current.is_open:
        raise OutOfOrder(f"该问题当前为「{current.state_label}」，不能再挂牌督办或取消。")
    if current.supervised == on:
        raise OutOfOrder("该问题已经挂牌督办。" if on else "该问题没有挂牌督办。")
    note = _check_text(note, "note", "督办意见", max_length=MAX_NOTE)
    current.supervised = on
    current.save(update_fields=["supervised", "updated_at"])
    _event(
        current,
        ProblemEvent.SUPERVISED if on else ProblemEvent.UNSUPERVISED,
        actor=actor,
        at=_now(at),
        from_state=current.state,
        note=note,
    )
    audit_record(
        actor=actor,
        action="problems.problem.supervised" if on else "problems.problem.unsupervised",
        target=current,
        target_repr=str(current),
        before={"supervised": not on},
        after={"supervised": on},
        data={"note": note[:500]},
    )
    return current


# --------------------------------------------------------------------------- extensions


@transaction.atomic
def extension_request(
    *,
    actor: Any,
    problem: Problem,
    requested_deadline: datetime.date,
    reason: str,
    at: datetime.datetime | None = None,
    today: datetime.date | None = None,
) -> ExtensionRequest:
    """The unit asks for a later deadline while it works on the problem."""
    current = _locked(problem)
    if _role(actor, current) != workflow.UNIT:
        raise PermissionDenied("只有责任单位可以申请延期。")
    if current.state not in workflow.UNIT_WORKING:
        raise OutOfOrder(f"该问题当前为「{current.state_label}」，不能申请延期。")
    if current.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise OutOfOrder("已有一份延期申请等待审批，请等待依法治市办答复。")
    reason = _check_text(reason, "reason", "延期理由", max_length=MAX_NOTE, required=True)
    check_deadline(
        requested_deadline,
        registered=timezone.localdate(current.registered_at),
        today=_today(today),
        field="requested_deadline",
    )
    if current.deadline is not None and requested_deadline <= current.deadline:
        raise ValidationError(
            {"requested_deadline": f"申请延至的日期须晚于现在的期限 {_date_text(current.deadline)}。"}
        )
    when = _now(at)
    extension = ExtensionRequest.objects.create(
        problem=current,
        current_deadline=current.deadline,
        requested_deadline=requested_deadline,
        reason=reason,
        requested_by=_actor(actor),
        requested_at=when,
    )
    _event(
        current,
        ProblemEvent.EXTENSION_REQUESTED,
        actor=actor,
        at=when,
        from_state=current.state,
        note=reason,
        deadline=requested_deadline,
    )
    audit_record(
        actor=actor,
        action="problems.extension.requested",
        target=current,
        target_repr=str(current),
        data={"extension": extension.pk, "from": current.deadline, "to": requested_deadline},
    )
    return extension


@transaction.atomic
def extension_decide(
    *,
    actor: Any,
    extension: ExtensionRequest,
    grant: bool,
    deadline: datetime.date | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
    today: datetime.date | None = None,
) -> ExtensionRequest:
    """The office grants (to the requested date or another) or refuses, with a note when refusing."""
    current = _locked(extension.problem)
    if _role(actor, current) != workflow.OFFICE:
        raise PermissionDenied("只有市委依法治市办可以审批延期申请。")
    ext = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if ext.status != ExtensionStatus.PENDING:
        raise OutOfOrder(f"该延期申请已{ext.get_status_display()}，不能再审批。")
    note = _check_text(note, "note", "审批意见", max_length=MAX_NOTE, required=not grant)
    when = _now(at)
    before_deadline = current.deadline
    if grant:
        granted = deadline or ext.requested_deadline
        check_deadline(granted, registered=timezone.localdate(current.registered_at), today=_today(today))
        current.deadline = granted
        current.save(update_fields=["deadline", "updated_at"])
        ext.granted_deadline = granted
    ext.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    ext.decision_note, ext.decided_by, ext.decided_at = note, _actor(actor), when
    ext.save()
    _event(
        current,
        ProblemEvent.EXTENSION_GRANTED if grant else ProblemEvent.EXTENSION_REFUSED,
        actor=actor,
        at=when,
        from_state=current.state,
        note=note,
        deadline=ext.granted_deadline,
    )
    audit_record(
        actor=actor,
        action="problems.extension.granted" if grant else "problems.extension.refused",
        target=current,
        target_repr=str(current),
        before={"deadline": before_deadline},
        after={"deadline": current.deadline},
        data={"extension": ext.pk, "note": note[:500]},
    )
    return ext


# --------------------------------------------------------------------------- 专项整治

CAMPAIGN_FIELDS = ("name", "year", "start_date", "end_date", "lead_org_id", "description", "categories")


def _clean_categories(categories: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(c.strip() for c in categories if c and c.strip()))
    if not cleaned:
        raise ValidationError({"categories": "请至少填写一个问题类别（每行一个）。"})
    too_long = [c for c in cleaned if len(c) > 50]
    if too_long:
        raise ValidationError({"categories": f"问题类别不能超过 50 个字符：{too_long[0][:20]}…"})
    return cleaned


def _check_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValidationError({"end_date": "结束日期不能早于开始日期。"})


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    name: str,
    year: int,
    start_date: datetime.date,
    end_date: datetime.date,
    categories: Sequence[str],
    lead_org: Org | None = None,
    description: str = "",
) -> SpecialCampaign:
    name = _check_text(name, "name", "名称", max_length=200, required=True)
    if SpecialCampaign.objects.filter(name=name).exists():
        raise ValidationError({"name": f"已有名为「{name}」的专项整治。"})
    _check_period(start_date, end_date)
    campaign = SpecialCampaign.objects.create(
        name=name,
        year=year,
        start_date=start_date,
        end_date=end_date,
        categories=_clean_categories(categories),
        lead_org=lead_org,
        description=description.strip(),
        created_by=_actor(actor),
    )
    audit_record(
        actor=actor,
        action="problems.campaign.created",
        target=campaign,
        after=snapshot(campaign, CAMPAIGN_FIELDS),
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: SpecialCampaign,
    name: str,
    year: int,
    start_date: datetime.date,
    end_date: datetime.date,
    categories: Sequence[str],
    lead_org: Org | None = None,
    description: str = "",
) -> SpecialCampaign:
    """A category still used by a clue cannot be dropped."""
    name = _check_text(name, "name", "名称", max_length=200, required=True)
    if SpecialCampaign.objects.filter(name=name).exclude(pk=campaign.pk).exists():
        raise ValidationError({"name": f"已有名为「{name}」的专项整治。"})
    _check_period(start_date, end_date)
    cleaned = _clean_categories(categories)
    used = set(campaign.problems.exclude(category="").values_list("category", flat=True).distinct())
    dropped = sorted(used - set(cleaned))
    if dropped:
        raise ValidationError({"categories": f"以下类别已有问题线索使用，不能删除：{'、'.join(dropped)}。"})
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    campaign.name, campaign.year, campaign.start_date, campaign.end_date = name, year, start_date, end_date
    campaign.categories, campaign.lead_org, campaign.description = cleaned, lead_org, description.strip()
    campaign.save()
    old, new = diff(before, snapshot(campaign, CAMPAIGN_FIELDS))
    if new:
        audit_record(actor=actor, action="problems.campaign.updated", target=campaign, before=old, after=new)
    return campaign


MEASURE_FIELDS = ("title", "description", "org_id", "launched_on", "benefit")


@transaction.atomic
def measure_create(
    *,
    actor: Any,
    campaign: SpecialCampaign,
    title: str,
    description: str = "",
    org: Org | None = None,
    launched_on: datetime.date | None = None,
    benefit: str = "",
) -> CampaignMeasure:
    """A 便民利企 measure of the campaign."""
    title = _check_text(title, "title", "措施名称", max_length=200, required=True)
    benefit = _check_text(benefit, "benefit", "惠及情况", max_length=300)
    order = (campaign.measures.aggregate(m=models.Max("order"))["m"] or 0) + 1
    measure = CampaignMeasure.objects.create(
        campaign=campaign,
        title=title,
        description=description.strip(),
        org=org,
        launched_on=launched_on,
        benefit=benefit,
        order=order,
    )
    audit_record(
        actor=actor,
        action="problems.measure.created",
        target=measure,
        after=snapshot(measure, MEASURE_FIELDS),
        data={"campaign": campaign.pk},
    )
    return measure


@transaction.atomic
def measure_delete(*, actor: Any, measure: CampaignMeasure) -> None:
    audit_record(
        actor=actor,
        action="problems.measure.deleted",
        target=measure,
        before=snapshot(measure, MEASURE_FIELDS),
        data={"campaign": measure.campaign_id},
    )
    measure.delete()


# --------------------------------------------------------------------------- batch import


class ImportFailed(ValidationError):
    """The file was refused; `.errors` lists every problem with its row and column."""

    def __init__(self, errors: Sequence[Any]) -> None:
        self.errors = list(errors)
        super().__init__([str(e) for e in self.errors])


@dataclass
class ImportResult:
    problems: list[Problem]
    warnings: list[str]


SOURCE_ALIASES = {
    **{label: value for value, label in Source.choices},
    **{value: value for value in Source.values},
    "12345": Source.HOTLINE,
    "12345热线": Source.HOTLINE,
    "市民热线": Source.HOTLINE,
    "举报": Source.PUBLIC_REPORT,
    "来信来访": Source.PUBLIC_REPORT,
    "综合督察": Source.INSPECTION,
    "法治督察": Source.INSPECTION,
    "专项整治线索": Source.CAMPAIGN,
}
SEVERITY_ALIASES = {**{label: value for value, label in Severity.choices}, **{v: v for v in Severity.values}}


def _org_index() -> dict[str, Org]:
    index: dict[str, Org] = {}
    for org in Org.objects.filter(active=True).order_by("path"):
        for key in (org.code, org.short_name, org.name):
            if key:
                index.setdefault(key, org)
    return index


def _resolve_row(
    clue: Any,
    *,
    orgs: dict[str, Org],
    default_source: str,
    campaign: SpecialCampaign | None,
    today: datetime.date,
    errors: list[Any],
) -> dict[str, Any] | None:
    from provincial.importing import RowError

    before = len(errors)
    org = orgs.get(clue.org)
    if org is None:
        errors.append(
            RowError(clue.row, "责任单位", f"找不到单位「{clue.org}」（请填写单位全称、简称或机构代码）")
        )
    source = SOURCE_ALIASES.get(clue.source) if clue.source else default_source
    if source is None:
        choices = "、".join(label for _, label in Source.choices)
        errors.append(RowError(clue.row, "来源", f"「{clue.source}」不是可选的来源（{choices}）"))
    severity = SEVERITY_ALIASES.get(clue.severity) if clue.severity else Severity.NORMAL
    if severity is None:
        errors.append(RowError(clue.row, "严重程度", f"「{clue.severity}」应为 一般、较重 或 严重"))
    if campaign is not None and campaign.categories and clue.category not in campaign.categories:
        allowed = "、".join(campaign.categories)
        errors.append(RowError(clue.row, "问题类别", f"「{clue.category}」不是本专项整治的类别（{allowed}）"))
    registered = clue.registered_on or today
    if registered > today:
        errors.append(RowError(clue.row, "登记日期", f"登记日期 {registered:%Y-%m-%d} 晚于今天"))
    elif clue.deadline is not None and clue.deadline >= registered and clue.deadline < today:
        errors.append(RowError(clue.row, "办理期限", f"办理期限 {clue.deadline:%Y-%m-%d} 已经过去"))
    if len(errors) > before:
        return None
    return {
        "source": source,
        "title": clue.title,
        "org": org,
        "description": clue.description,
        "category": clue.category,
        "severity": severity,
        "deadline": clue.deadline,
        "supervised": clue.supervised,
        "campaign": campaign,
        "registered_at": timezone.make_aware(datetime.datetime.combine(registered, datetime.time(9)))
        if clue.registered_on and clue.registered_on != today
        else None,
    }


@transaction.atomic
def problems_import(
    *,
    actor: Any,
    content: bytes,
    default_source: str = Source.OTHER,
    campaign: SpecialCampaign | None = None,
    filename: str = "",
    today: datetime.date | None = None,
) -> ImportResult:
    """Register every clue of the workbook, or none: ImportFailed lists each bad
    row and column. Likely duplicates (of earlier problems or of another row)
    come back as warnings; they are registered all the same."""
    from problems import importing, selectors

    if campaign is not None:
        default_source = Source.CAMPAIGN
    parsed = importing.parse_workbook(content)
    errors: list[Any] = list(parsed.errors)
    rows: list[tuple[int, dict[str, Any]]] = []
    orgs, today = _org_index(), _today(today)
    for clue in parsed.clues:  # the rows that read well are checked against the database too
        values = _resolve_row(
            clue, orgs=orgs, default_source=default_source, campaign=campaign, today=today, errors=errors
        )
        if values is not None:
            rows.append((clue.row, values))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    created, warnings = [], []
    for row, values in rows:
        for other, score in selectors.likely_duplicates(org=values["org"], title=values["title"])[:1]:
            warnings.append(
                f"第 {row} 行「{values['title']}」与 {other.number}「{other.title}」相似（{score:.0%}）"
            )
        created.append(problem_register(actor=actor, today=today, **values))
    audit_record(
        actor=actor,
        action="problems.problem.imported",
        target_repr=filename[:200] or "问题线索导入",
        data={"count": len(created), "campaign": campaign.pk if campaign else None, "sheet": parsed.sheet},
    )
    return ImportResult(problems=created, warnings=warnings)
