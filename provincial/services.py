"""Writes of 迎检. Each one is atomic and writes its own audit entry."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, diff, snapshot
from orgs.models import Org
from provincial import importing, selectors
from provincial.models import (
    OPEN_STATUSES,
    ProvincialFramework,
    ProvincialIndicator,
    ProvincialResult,
    Task,
    TaskStatus,
)

TASK_FIELDS = (
    "indicator_id",
    "org_id",
    "description",
    "deadline",
    "status",
    "note",
    "self_score",
    "reviewed_score",
    "return_reason",
)
RESULT_FIELDS = ("year", "grade", "score", "note")


class ImportFailed(ValidationError):
    """The file was refused; `.errors` lists every problem (row and column)."""

    def __init__(self, errors: Sequence[importing.RowError]) -> None:
        self.errors = list(errors)
        super().__init__([str(e) for e in self.errors])


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _check_deadline(deadline: datetime.date, today: datetime.date) -> None:
    if deadline < today:
        raise ValidationError(
            {
                "deadline": f"截止日期 {deadline:%Y-%m-%d} 已经过去，请选择今天（{today:%Y-%m-%d}）或以后的日期。"
            }
        )


def _check_score(value: Decimal | None, indicator: ProvincialIndicator, field: str, label: str) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationError({field: f"{label}不能为负数。"})
    if value > indicator.max_score:
        raise ValidationError({field: f"{label} {value} 超过了该指标的分值 {indicator.max_score}。"})


@transaction.atomic
def framework_import(
    *,
    actor: Any,
    year: int,
    name: str,
    content: bytes,
    source_note: str = "",
    filename: str = "",
    declared_total: Decimal | None = None,
) -> ProvincialFramework:
    """Create the year's framework from the province's xlsx, all or nothing.

    Raises ImportFailed listing every bad row; the sum of 分值 must equal the
    declared total (from the form, else from a 合计 row) when one is given."""
    errors: list[importing.RowError] = []
    if ProvincialFramework.objects.filter(year=year).exists():
        errors.append(
            importing.RowError(
                0,
                "",
                f"{year} 年度的法治广东建设考评指标体系已经存在。如需重新导入，"
                "请先删除原指标体系（已分解任务的不能删除）。",
            )
        )
    parsed = importing.parse_workbook(content)
    errors.extend(parsed.errors)
    total = declared_total if declared_total is not None else parsed.declared_total
    if not parsed.errors and total is not None and parsed.total != total:
        errors.append(
            importing.RowError(0, "", f"各指标分值合计 {parsed.total} 分，与声明的总分 {total} 分不一致。")
        )
    if errors:
        raise ImportFailed(errors)
    framework = ProvincialFramework.objects.create(
        year=year,
        name=name,
        source_note=source_note,
        total=parsed.total,
        source_filename=filename[:255],
        imported_by=actor if getattr(actor, "pk", None) else None,
    )
    ProvincialIndicator.objects.bulk_create(
        [
            ProvincialIndicator(
                framework=framework,
                code=i.code,
                section=i.section,
                name=i.name,
                max_score=i.max_score,
                criteria=i.criteria,
                evidence_requirements=i.evidence_requirements,
                order=n,
            )
            for n, i in enumerate(parsed.indicators, start=1)
        ]
    )
    audit_record(
        actor=actor,
        action="provincial.framework.imported",
        target=framework,
        after=snapshot(framework, ("year", "name", "source_note", "total", "source_filename")),
        data={"indicators": len(parsed.indicators), "sheet": parsed.sheet},
    )
    return framework


@transaction.atomic
def framework_update(
    *, actor: Any, framework: ProvincialFramework, name: str, source_note: str
) -> ProvincialFramework:
    before = snapshot(framework, ("name", "source_note"))
    framework.name, framework.source_note = name, source_note
    framework.save(update_fields=["name", "source_note"])
    old, new = diff(before, snapshot(framework, ("name", "source_note")))
    if new:
        audit_record(
            actor=actor, action="provincial.framework.updated", target=framework, before=old, after=new
        )
    return framework


@transaction.atomic
def framework_delete(*, actor: Any, framework: ProvincialFramework) -> None:
    if Task.objects.filter(indicator__framework=framework).exists():
        raise ValidationError("该指标体系已分解了迎检任务，不能删除。")
    audit_record(
        actor=actor,
        action="provincial.framework.deleted",
        target=framework,
        before=snapshot(framework, ("year", "name", "total")),
        data={"indicators": framework.indicators.count()},
    )
    framework.delete()


@transaction.atomic
def tasks_assign(
    *,
    actor: Any,
    indicator: ProvincialIndicator,
    orgs: Sequence[Org],
    deadline: datetime.date,
    description: str = "",
    today: datetime.date | None = None,
) -> list[Task]:
    """Split an indicator into one task per responsible unit (all or none).

    `today` is when the deadline is checked against (the demo replays 2023)."""
    if not orgs:
        raise ValidationError({"orgs": "请至少选择一个责任单位。"})
    _check_deadline(deadline, _today(today))
    taken = set(Task.objects.filter(indicator=indicator, org__in=orgs).values_list("org__name", flat=True))
    if taken:
        raise ValidationError({"orgs": f"以下单位已有本指标的任务：{'、'.join(sorted(taken))}。"})
    created = []
    for org in orgs:
        task = Task.objects.create(
            indicator=indicator,
            org=org,
            deadline=deadline,
            description=description,
            assigned_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor, action="provincial.task.assigned", target=task, after=snapshot(task, TASK_FIELDS)
        )
        created.append(task)
        transaction.on_commit(functools.partial(selectors.forget_org_tasks, org.pk))
    return created


@transaction.atomic
def task_update(
    *, actor: Any, task: Task, deadline: datetime.date, description: str, today: datetime.date | None = None
) -> Task:
    """The office changes a task's deadline or requirement; a new deadline cannot be in the past."""
    if deadline != task.deadline:
        _check_deadline(deadline, _today(today))
    before = snapshot(task, TASK_FIELDS)
    task.deadline, task.description = deadline, description
    task.save(update_fields=["deadline", "description", "updated_at"])
    old, new = diff(before, snapshot(task, TASK_FIELDS))
    if new:
        audit_record(actor=actor, action="provincial.task.updated", target=task, before=old, after=new)
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task) -> None:
    """Withdraw a task; its evidence files stay in the attachments store."""
    audit_record(
        actor=actor,
        action="provincial.task.deleted",
        target=task,
        before=snapshot(task, TASK_FIELDS),
        data={"evidence": [str(pk) for pk in task.evidence.values_list("pk", flat=True)]},
    )
    org_id = task.org_id
    task.evidence.clear()
    task.delete()
    transaction.on_commit(lambda: selectors.forget_org_tasks(org_id))


def _require_open(task: Task) -> None:
    if task.status not in OPEN_STATUSES:
        raise ValidationError(f"任务当前状态为「{task.get_status_display()}」，不能修改。")


@transaction.atomic
def task_report(*, actor: Any, task: Task, note: str, self_score: Decimal | None) -> Task:
    """The unit saves its notes and its own estimate of the indicator's score (draft)."""
    _require_open(task)
    _check_score(self_score, task.indicator, "self_score", "自估分")
    before = snapshot(task, TASK_FIELDS)
    task.note, task.self_score = note, self_score
    task.save(update_fields=["note", "self_score", "updated_at"])
    old, new = diff(before, snapshot(task, TASK_FIELDS))
    if new:
        audit_record(actor=actor, action="provincial.task.reported", target=task, before=old, after=new)
    return task


@transaction.atomic
def task_evidence_add(*, actor: Any, task: Task, uploaded_file: Any) -> Any:
    """Store a file through the attachments service (content check, size limit,
    hash) under the task's unit and link it to the task."""
    from attachments.services import attachment_create

    _require_open(task)
    attachment = attachment_create(actor=actor, uploaded_file=uploaded_file, org=task.org)
    task.evidence.add(attachment)
    audit_record(
        actor=actor,
        action="provincial.task.evidence_added",
        target=task,
        data={"attachment": str(attachment.pk), "name": attachment.original_name},
    )
    return attachment


@transaction.atomic
def task_evidence_remove(*, actor: Any, task: Task, attachment: Any) -> None:
    _require_open(task)
    if not task.evidence.filter(pk=attachment.pk).exists():
        raise ValidationError("该文件不是本任务的佐证材料。")
    task.evidence.remove(attachment)
    audit_record(
        actor=actor,
        action="provincial.task.evidence_removed",
        target=task,
        data={"attachment": str(attachment.pk), "name": attachment.original_name},
    )


@transaction.atomic
def task_submit(*, actor: Any, task: Task) -> Task:
    """Hand the task in for review: it needs evidence and the unit's estimate."""
    _require_open(task)
    problems = []
    if not task.evidence.exists():
        problems.append("请至少上传一份佐证材料")
    if task.self_score is None:
        problems.append("请填写自估分")
    if problems:
        raise ValidationError(f"不能提交：{'；'.join(problems)}。")
    before = snapshot(task, TASK_FIELDS)
    task.status = TaskStatus.SUBMITTED
    task.submitted_by = actor if getattr(actor, "pk", None) else None
    task.submitted_at = timezone.now()
    task.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    old, new = diff(before, snapshot(task, TASK_FIELDS))
    audit_record(actor=actor, action="provincial.task.submitted", target=task, before=old, after=new)
    return task


@transaction.atomic
def task_accept(*, actor: Any, task: Task, reviewed_score: Decimal | None = None) -> Task:
    """The office accepts what the unit handed in, optionally with its own expected score."""
    if task.status != TaskStatus.SUBMITTED:
        raise ValidationError(f"只有待审核的任务可以通过，该任务当前为「{task.get_status_display()}」。")
    _check_score(reviewed_score, task.indicator, "reviewed_score", "审核预计分")
    before = snapshot(task, TASK_FIELDS)
    task.status = TaskStatus.ACCEPTED
    task.reviewed_score = reviewed_score
    task.return_reason = ""
    task.reviewed_by = actor if getattr(actor, "pk", None) else None
    task.reviewed_at = timezone.now()
    task.save(
        update_fields=[
            "status",
            "reviewed_score",
            "return_reason",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    old, new = diff(before, snapshot(task, TASK_FIELDS))
    audit_record(actor=actor, action="provincial.task.accepted", target=task, before=old, after=new)
    return task


@transaction.atomic
def task_return(*, actor: Any, task: Task, reason: str, reviewed_score: Decimal | None = None) -> Task:
    """Send a submitted (or accepted) task back to its unit with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "退回时必须填写理由。"})
    if task.status not in (TaskStatus.SUBMITTED, TaskStatus.ACCEPTED):
        raise ValidationError(
            f"只有待审核或已通过的任务可以退回，该任务当前为「{task.get_status_display()}」。"
        )
    _check_score(reviewed_score, task.indicator, "reviewed_score", "审核预计分")
    before = snapshot(task, TASK_FIELDS)
    task.status = TaskStatus.RETURNED
    task.return_reason = reason
    task.reviewed_score = reviewed_score
    task.reviewed_by = actor if getattr(actor, "pk", None) else None
    task.reviewed_at = timezone.now()
    task.save(
        update_fields=[
            "status",
            "return_reason",
            "reviewed_score",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    old, new = diff(before, snapshot(task, TASK_FIELDS))
    audit_record(actor=actor, action="provincial.task.returned", target=task, before=old, after=new)
    return task


@transaction.atomic
def result_record(
    *, actor: Any, year: int, grade: str, score: Decimal | None = None, note: str = ""
) -> ProvincialResult:
    """Record (or correct) the grade the province gave the city for `year`."""
    result = ProvincialResult.objects.filter(year=year).first()
    before = snapshot(result, RESULT_FIELDS) if result else None
    if result is None:
        result = ProvincialResult(year=year)
    result.grade, result.score, result.note = grade, score, note
    result.recorded_by = actor if getattr(actor, "pk", None) else None
    result.full_clean(exclude=["recorded_by"])
    result.save()
    after = snapshot(result, RESULT_FIELDS)
    if before is None:
        audit_record(actor=actor, action="provincial.result.recorded", target=result, after=after)
    else:
        old, new = diff(before, after)
        if new:
            audit_record(
                actor=actor, action="provincial.result.updated", target=result, before=old, after=new
            )
    return result


def package_export(
    *, actor: Any, framework: ProvincialFramework, progress: Any = None
) -> tuple[bytes, str, dict[str, int]]:
    """Build the evidence package (zip + 目录.docx) and record the export.

    Not one transaction: reading files can take a while and writes nothing but
    the audit entry, which is recorded once the package is complete."""
    from provincial import package

    content, counts = package.build_package(framework, progress=progress)
    filename = package.package_filename(framework)
    audit_record(
        actor=actor,
        action="provincial.package.exported",
        target=framework,
        data={**counts, "bytes": len(content), "filename": filename},
    )
    return content, filename, counts
