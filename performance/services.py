"""Writes for 项目支出绩效自评. Each service checks its rule, saves, and writes its
audit entry in the same transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record, diff, snapshot
from fazhi.errors import StaleEdit
from orgs.models import Org
from performance import metrics
from performance.engine import Evaluation, RuleSetError, load_rule_set
from performance.engine.values import QUALITATIVE, format_number, parse_value
from performance.models import (
    PROJECT_FIELDS,
    BudgetProject,
    Indicator,
    Level1,
    ProjectStatus,
)
from performance.standard_table import TableMeta

INDICATOR_FIELDS = (
    "level1",
    "level2",
    "name",
    "target_text",
    "actual",
    "weight",
    "declared_score",
    "deviation_reason",
    "applicable",
    "live_metric",
    "position",
)
MAX_AMOUNT = Decimal("1e13")
CONCURRENT_EDIT = "{what}已被他人修改（当前为第{current}版，您编辑的是第{yours}版），请刷新页面后重新填写。"


class ConcurrentEditError(StaleEdit):
    """Someone saved the same row since it was read: nothing is overwritten (409 in the API)."""


def _check_project(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if "name" in fields and not str(fields["name"] or "").strip():
        errors["name"] = "项目名称不能为空。"
    if "year" in fields and not (2000 <= int(fields["year"] or 0) <= 2100):
        errors["year"] = "年度应为 2000–2100 之间的四位年份。"
    for key, label in (
        ("budget_initial", "年初预算数"),
        ("budget_adjusted", "全年预算数"),
        ("budget_executed", "全年执行数"),
    ):
        value = fields.get(key)
        if value is not None and (value < 0 or value >= MAX_AMOUNT):
            errors[key] = f"{label}不能为负数，也不能超过一万亿元。"
    if fields.get("budget_adjusted") is not None and fields["budget_adjusted"] == 0:
        errors["budget_adjusted"] = "全年预算数应大于0。"
    for key, label in (("declared_execution_score", "执行率得分"), ("declared_total", "自评总分")):
        value = fields.get(key)
        if value is not None and not (0 <= value <= 100):
            errors[key] = f"{label}应在 0–100 分之间。"
    if "rule_set" in fields:
        try:
            load_rule_set(fields["rule_set"])
        except RuleSetError as exc:
            errors["rule_set"] = str(exc)
    if errors:
        raise ValidationError(errors)


def _check_indicator(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    weight = fields.get("weight")
    if "weight" in fields and (weight is None or not (0 <= weight <= 100)):
        errors["weight"] = "分值应在 0–100 分之间。"
    declared = fields.get("declared_score")
    if declared is not None and not (0 <= declared <= 100):
        errors["declared_score"] = "得分应在 0–100 分之间。"
    key = fields.get("live_metric")
    if key and metrics.get(key) is None:
        errors["live_metric"] = "没有这项实时数据。"
    if fields.get("level1") is not None and fields["level1"] not in Level1.values:
        errors["level1"] = f"一级指标应为{'、'.join(Level1.values)}之一。"
    if errors:
        raise ValidationError(errors)


def target_fields(text: str) -> dict[str, Any]:
    """ "≥12人" → target_op, target_value, target_unit (and the text as written)."""
    value = parse_value((text or "").strip())
    return {
        "target_text": (text or "").strip(),
        "target_op": value.op if value.number is not None else QUALITATIVE,
        "target_value": value.number,
        "target_unit": value.unit if value.number is not None else "",
    }


def _lock_project(project: BudgetProject) -> BudgetProject:
    locked = BudgetProject.objects.select_for_update().get(pk=project.pk)
    if locked.status != ProjectStatus.DRAFT:
        raise ValidationError("项目已提交，不能修改；如需修改请联系市委依法治市办退回。")
    return locked


# ------------------------------------------------------------------ projects


@transaction.atomic
def project_create(*, actor: User | None, org: Org, year: int, name: str, **fields: Any) -> BudgetProject:
    fields = {"year": year, "name": (name or "").strip(), **fields}
    _check_project(fields)
    if BudgetProject.objects.filter(org=org, year=year, name=fields["name"]).exists():
        raise ValidationError({"name": f"{org.name}{year}年度已有名为“{fields['name']}”的项目。"})
    fields.setdefault("implementing_unit", org.name)
    project = BudgetProject.objects.create(org=org, **fields)
    audit_record(actor=actor, action="performance.project.created", target=project, after=snapshot(project))
    return project


@transaction.atomic
def project_update(
    *, actor: User | None, project: BudgetProject, version: int | None = None, **fields: Any
) -> BudgetProject:
    """Change a draft project's fields; `version` (what the user edited) detects a concurrent change."""
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    locked = _lock_project(project)
    if version is not None and version != locked.version:
        raise ConcurrentEditError(
            CONCURRENT_EDIT.format(what="项目信息", current=locked.version, yours=version)
        )
    _check_project(fields)
    if "name" in fields or "year" in fields:
        name, year = fields.get("name", locked.name), fields.get("year", locked.year)
        if (
            BudgetProject.objects.filter(org_id=locked.org_id, year=year, name=name)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError({"name": f"本单位{year}年度已有名为“{name}”的项目。"})
    before = snapshot(locked, fields)
    for key, value in fields.items():
        setattr(locked, key, value)
    changed_before, changed_after = diff(before, snapshot(locked, fields))
    if changed_after:
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="performance.project.updated",
            target=locked,
            before=changed_before,
            after=changed_after,
        )
    for key in (*fields, "version", "updated_at"):  # keep the caller's object current
        setattr(project, key, getattr(locked, key))
    return locked


@transaction.atomic
def project_delete(*, actor: User | None, project: BudgetProject) -> None:
    locked = _lock_project(project)
    audit_record(
        actor=actor,
        action="performance.project.deleted",
        target=locked,
        before=snapshot(locked),
        data={"indicators": locked.indicators.count()},
    )
    locked.delete()


@transaction.atomic
def project_submit(*, actor: User | None, project: BudgetProject) -> BudgetProject:
    """Submit the evaluation: live 实际完成值 are frozen at their value now."""
    from performance.selectors import scored_project

    locked = _lock_project(project)
    if not locked.indicators.exists():
        raise ValidationError("项目还没有绩效指标，不能提交。")
    now = timezone.now()
    frozen = {}
    for indicator in locked.indicators.select_for_update().exclude(live_metric=""):
        value = metrics.evaluate(indicator.live_metric, metrics.MetricContext(locked.year, locked.org_id))
        indicator.frozen_value = value.text() if value else ""
        indicator.frozen_at = now
        indicator.save(update_fields=["frozen_value", "frozen_at"])
        frozen[indicator.name] = indicator.frozen_value
    locked.status = ProjectStatus.SUBMITTED
    locked.submitted_at, locked.submitted_by = now, actor if getattr(actor, "pk", None) else None
    locked.version += 1
    locked.save()
    result = scored_project(locked).result
    audit_record(
        actor=actor,
        action="performance.project.submitted",
        target=locked,
        data={
            "frozen": frozen,
            "total": format_number(result.total),
            "max_total": format_number(result.max_total),
            "declared_total": format_number(locked.declared_total),
            "findings": [f.code for f in result.findings],
        },
    )
    return locked


@transaction.atomic
def project_reopen(*, actor: User | None, project: BudgetProject, reason: str = "") -> BudgetProject:
    """Back to draft (the office returns it); frozen values are kept for the record but live again."""
    locked = BudgetProject.objects.select_for_update().get(pk=project.pk)
    if locked.status == ProjectStatus.DRAFT:
        raise ValidationError("项目是草稿，无需退回。")
    locked.status = ProjectStatus.DRAFT
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action="performance.project.reopened", target=locked, data={"reason": reason})
    return locked


def project_exported(*, actor: User | None, project: BudgetProject, fmt: str) -> None:
    """Every download of a project's table or report is audited."""
    with transaction.atomic():
        audit_record(actor=actor, action="performance.project.exported", target=project, data={"format": fmt})


# ---------------------------------------------------------------- indicators


@transaction.atomic
def indicator_create(*, actor: User | None, project: BudgetProject, **fields: Any) -> Indicator:
    locked = _lock_project(project)
    if "target_text" in fields:
        fields.update(target_fields(fields["target_text"]))
    _check_indicator(fields)
    if "position" not in fields:
        fields["position"] = (locked.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
    indicator = Indicator.objects.create(project=locked, **fields)
    audit_record(
        actor=actor,
        action="performance.indicator.created",
        target=indicator,
        after=snapshot(indicator),
        data={"project": locked.pk},
    )
    return indicator


@transaction.atomic
def indicator_update(
    *, actor: User | None, indicator: Indicator, version: int | None = None, **fields: Any
) -> Indicator:
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    _lock_project(indicator.project)
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if version is not None and version != locked.version:
        raise ConcurrentEditError(
            CONCURRENT_EDIT.format(what=f"指标“{locked.name}”", current=locked.version, yours=version)
        )
    if "target_text" in fields:
        fields.update(target_fields(fields["target_text"]))
    _check_indicator(fields)
    before = snapshot(locked, fields)
    for key, value in fields.items():
        setattr(locked, key, value)
    changed_before, changed_after = diff(before, snapshot(locked, fields))
    if changed_after:
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="performance.indicator.updated",
            target=locked,
            before=changed_before,
            after=changed_after,
            data={"project": locked.project_id},
        )
    return locked


@transaction.atomic
def indicator_delete(*, actor: User | None, indicator: Indicator) -> None:
    _lock_project(indicator.project)
    audit_record(
        actor=actor,
        action="performance.indicator.deleted",
        target=indicator,
        before=snapshot(indicator),
        data={"project": indicator.project_id},
    )
    indicator.delete()


@transaction.atomic
def table_save(
    *,
    actor: User | None,
    project: BudgetProject,
    project_fields: dict[str, Any],
    project_version: int | None,
    rows: list[tuple[Indicator, dict[str, Any], int | None]],
) -> int:
    """Save the inline-edited 自评表 at once: the project's figures and every indicator row.
    All or nothing; a row changed by someone else since it was loaded stops the save."""
    changed = 0
    if project_fields:
        before = project.version
        project = project_update(actor=actor, project=project, version=project_version, **project_fields)
        changed += project.version != before
    for indicator, fields, version in rows:
        before = indicator.version
        updated = indicator_update(actor=actor, indicator=indicator, version=version, **fields)
        changed += updated.version != before
    return changed


# -------------------------------------------------------------- table import


def _table_project_fields(evaluation: Evaluation, meta: TableMeta) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "budget_initial": evaluation.budget_initial,
        "budget_adjusted": evaluation.budget_adjusted,
        "budget_executed": evaluation.budget_executed,
        "declared_execution_score": evaluation.declared_execution_score,
        "declared_total": evaluation.declared_total,
    }
    for key in ("goal", "goal_result", "execution_reason"):
        if getattr(evaluation, key):
            fields[key] = getattr(evaluation, key)
    if meta.implementing_unit:
        fields["implementing_unit"] = meta.implementing_unit
    return fields


def _level1(name: str) -> str:
    for choice in Level1.values:
        if choice.replace("指标", "") in name:
            return choice
    return Level1.OUTPUT


def _replace_indicators(project: BudgetProject, evaluation: Evaluation) -> int:
    project.indicators.all().delete()
    rows = []
    for position, ind in enumerate(evaluation.indicators, start=1):
        actual = ind.actual
        text = format_number(actual) if isinstance(actual, Decimal) else (actual or "")
        target = ind.target.text or ind.target.display()
        fields = {
            "level1": _level1(ind.level1),
            "level2": ind.level2[:50],
            "name": ind.name[:200],
            **target_fields(target[:200]),
            "actual": str(text)[:200],
            "weight": ind.weight,
            "declared_score": ind.declared_score,
            "deviation_reason": ind.deviation_reason,
            "applicable": ind.applicable,
            "position": position,
        }
        _check_indicator(fields)
        rows.append(Indicator(project=project, **fields))
    Indicator.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def project_import_table(
    *, actor: User | None, project: BudgetProject, evaluation: Evaluation, meta: TableMeta, filename: str = ""
) -> BudgetProject:
    """Replace a draft project's figures and indicators with those of an imported 自评表 (all or nothing)."""
    locked = _lock_project(project)
    fields = _table_project_fields(evaluation, meta)
    _check_project(fields)
    before = snapshot(locked, fields)
    for key, value in fields.items():
        setattr(locked, key, value)
    count = _replace_indicators(locked, evaluation)
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="performance.project.imported",
        target=locked,
        before=before,
        after=snapshot(locked, fields),
        data={"file": filename, "indicators": count},
    )
    return locked


@transaction.atomic
def project_create_from_table(
    *, actor: User | None, org: Org, evaluation: Evaluation, meta: TableMeta, filename: str = ""
) -> BudgetProject:
    errors = {}
    if not evaluation.project:
        errors["file"] = "自评表中没有项目名称。"
    if not evaluation.year:
        errors["year"] = "自评表中没有年度（标题下应有“（2023年度）”）。"
    if errors:
        raise ValidationError(errors)
    assert evaluation.year is not None
    project = project_create(actor=actor, org=org, year=evaluation.year, name=evaluation.project[:200])
    return project_import_table(
        actor=actor, project=project, evaluation=evaluation, meta=meta, filename=filename
    )
