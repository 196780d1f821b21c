"""Writes of 考评办法及标准: 板块 → 指标 → 评分细则, clone, new version, lock, import.

A locked framework is immutable (a campaign scores against it); changes go
into a new version. Locking needs Σ 分值 = the declared 总分."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from assessments import framework_checks
from assessments.framework_import.findings import survey_scale_guess
from assessments.framework_import.model import (
    ParsedIndicator,
    ParsedRule,
    ParsedSection,
    ParsedTable,
    TableKind,
)
from assessments.models import (
    GROUP_FIELDS,
    INDICATOR_FIELDS,
    RULE_FIELDS,
    SECTION_FIELDS,
    Framework,
    FrameworkStatus,
    Indicator,
    IndicatorGroup,
    Method,
    Rule,
    RuleKind,
    RuleScope,
    Section,
    SectionKind,
)
from assessments.selectors import frameworks as framework_selectors
from audit.services import audit_record, diff, snapshot
from orgs.models import Org

FRAMEWORK_FIELDS = ("year", "version", "name", "description", "total_score", "status")
LOCKED_MESSAGE = "考评办法已锁定，不能修改；如需调整，请基于它新建版本。"


def _require_draft(framework: Framework) -> None:
    if framework.status == FrameworkStatus.LOCKED:
        raise ValidationError(LOCKED_MESSAGE)


def _next_version(year: int) -> int:
    current = Framework.objects.filter(year=year).aggregate(v=Max("version"))["v"]
    return (current or 0) + 1


# --------------------------------------------------------------------------- framework


@transaction.atomic
def framework_create(
    *, actor: User | None, year: int, name: str, total_score: Decimal, description: str = ""
) -> Framework:
    if total_score is None or total_score <= 0:
        raise ValidationError({"total_score": "总分须大于 0。"})
    framework = Framework.objects.create(
        year=year,
        version=_next_version(year),
        name=name.strip(),
        description=description,
        total_score=total_score,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessments.framework.created",
        target=framework,
        after=snapshot(framework, FRAMEWORK_FIELDS),
    )
    return framework


@transaction.atomic
def framework_update(*, actor: User, framework: Framework, **fields: Any) -> Framework:
    _require_draft(framework)
    if "total_score" in fields and (fields["total_score"] is None or fields["total_score"] <= 0):
        raise ValidationError({"total_score": "总分须大于 0。"})
    before = snapshot(framework, FRAMEWORK_FIELDS)
    for name in ("name", "description", "total_score"):
        if name in fields:
            setattr(framework, name, fields[name])
    framework.save()
    changed_before, changed_after = diff(before, snapshot(framework, FRAMEWORK_FIELDS))
    if changed_after:
        audit_record(
            actor=actor,
            action="assessments.framework.updated",
            target=framework,
            before=changed_before,
            after=changed_after,
        )
    return framework


@transaction.atomic
def framework_delete(*, actor: User, framework: Framework) -> None:
    _require_draft(framework)
    if framework.campaigns.exists():
        raise ValidationError("该考评办法已被年度考评使用，不能删除。")
    audit_record(
        actor=actor,
        action="assessments.framework.deleted",
        target=framework,
        before=snapshot(framework, FRAMEWORK_FIELDS),
    )
    Rule.objects.filter(indicator__section__framework=framework).delete()
    Indicator.objects.filter(section__framework=framework).delete()
    framework.sections.all().delete()
    framework.delete()


def scored_total(structure: Sequence[dict[str, Any]]) -> Decimal:
    """Σ of what makes up the total (加分 indicators and 附加项 outside the
    total sit on top; a 满意度测评 section counts its points)."""
    return framework_checks.counted_total(structure)


def framework_problems(framework: Framework) -> list[str]:
    """What stops the framework from being locked (empty: it can be locked):
    every level's subtotal (`framework_checks`), units, bonus caps."""
    problems = []
    sections = framework_selectors.framework_sections(framework)
    indicators = [i for s in sections for i in s.indicators.all()]
    if not indicators:
        return ["尚未设置任何指标。"]
    structure = framework_selectors.framework_structure(framework, sections=sections)
    problems.extend(framework_checks.subtotal_problems(structure, framework.total_score))
    for section in sections:
        if not section.indicators.all():
            problems.append(f"板块「{section.name}」没有指标。")
    for ind in indicators:
        if not ind.assessors.all():
            problems.append(f"指标 {ind.code}「{ind.name}」未指定考评单位。")
        if ind.method == Method.BONUS and ind.bonus_cap is None:
            problems.append(f"加分指标 {ind.code}「{ind.name}」未设置加分上限。")
    return problems


def framework_warnings(framework: Framework) -> list[str]:
    """What the office should look at before locking, without blocking it
    (rules that can never take an indicator to 0)."""
    return framework_checks.rule_warnings(framework_selectors.framework_structure(framework))


@transaction.atomic
def framework_lock(*, actor: User | None, framework: Framework) -> Framework:
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    _require_draft(framework)
    problems = framework_problems(framework)
    if problems:
        raise ValidationError(["考评办法不能锁定：", *problems])
    framework.status = FrameworkStatus.LOCKED
    framework.locked_at = timezone.now()
    framework.save(update_fields=["status", "locked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="assessments.framework.locked",
        target=framework,
        data={"total_score": framework.total_score, "warnings": framework_warnings(framework)},
    )
    return framework


def _build_tree(framework: Framework, structure: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Create sections, groups, indicators (with units) and rules from plain
    data in a handful of bulk inserts; returns counts. An indicator's "group"
    is the position of its 二级指标 in the section's "groups"."""
    sections = Section.objects.bulk_create(
        [
            Section(
                framework=framework,
                order=s.get("order", n),
                **{k: s[k] for k in SECTION_FIELDS if k in s and k != "order"},
            )
            for n, s in enumerate(structure, start=1)
        ]
    )
    groups = IndicatorGroup.objects.bulk_create(
        [
            IndicatorGroup(
                section=section,
                order=g.get("order", n),
                **{k: g[k] for k in GROUP_FIELDS if k in g and k != "order"},
            )
            for section, s in zip(sections, structure, strict=True)
            for n, g in enumerate(s.get("groups", []), start=1)
        ]
    )
    groups_of: dict[int, list[IndicatorGroup]] = {}
    for group in groups:
        groups_of.setdefault(group.section_id, []).append(group)
    indicators: list[Indicator] = []
    sources: list[dict[str, Any]] = []
    for section, s in zip(sections, structure, strict=True):
        for n, ind in enumerate(s["indicators"], start=1):
            method = ind.get("method") or Method.DEDUCT
            group = ind.get("group")
            indicators.append(
                Indicator(
                    section=section,
                    group=None if group is None else groups_of[section.pk][group],
                    code=ind["code"],
                    name=ind["name"],
                    max_score=ind["max_score"],
                    method=method,
                    bonus_cap=ind.get("bonus_cap"),
                    evidence_required=ind.get("evidence_required", ""),
                    evidence_mandatory=bool(ind.get("evidence_mandatory", False)),
                    description=ind.get("description", ""),
                    order=ind.get("order", n),
                    # a veto-method indicator is a 负面清单 unless the data says otherwise
                    overflow=ind.get("overflow", method == Method.VETO),
                )
            )
            sources.append(ind)
    indicators = Indicator.objects.bulk_create(indicators)
    rules: list[Rule] = []
    assessor_links = []
    applies_links = []
    for indicator, ind in zip(indicators, sources, strict=True):
        for n, r in enumerate(ind.get("rules", []), start=1):
            rules.append(
                Rule(
                    indicator=indicator,
                    code=r["code"],
                    text=r["text"],
                    kind=r.get("kind") or RuleKind.DEDUCT,
                    points=r.get("points") or Decimal("0"),
                    max_points=r.get("max_points"),
                    min_points=r.get("min_points"),
                    scope=r.get("scope") or RuleScope.INDICATOR,
                    veto_result=r.get("veto_result") or "",
                    order=r.get("order", n),
                )
            )
        for org in ind.get("assessors", []):
            assessor_links.append(Indicator.assessors.through(indicator_id=indicator.pk, org_id=_org_pk(org)))
        for org in ind.get("applies_to", []):
            applies_links.append(Indicator.applies_to.through(indicator_id=indicator.pk, org_id=_org_pk(org)))
    Rule.objects.bulk_create(rules)
    Indicator.assessors.through.objects.bulk_create(assessor_links)
    Indicator.applies_to.through.objects.bulk_create(applies_links)
    counts = {"sections": len(sections), "indicators": len(indicators), "rules": len(rules)}
    if groups:
        counts["groups"] = len(groups)
    return counts


def _org_pk(org: Any) -> int:
    if isinstance(org, Org):
        return org.pk
    if isinstance(org, (tuple, list)):
        return int(org[0])
    return int(org)


@transaction.atomic
def framework_clone(
    *,
    actor: User | None,
    source: Framework,
    year: int,
    name: str = "",
    description: str | None = None,
) -> Framework:
    """Copy a framework (any status) into a new draft for `year`, ready to edit."""
    framework = Framework.objects.create(
        year=year,
        version=_next_version(year),
        name=(name or source.name.replace(str(source.year), str(year))).strip(),
        description=source.description if description is None else description,
        total_score=source.total_score,
        cloned_from=source,
        created_by=actor,
    )
    counts = _build_tree(framework, framework_selectors.framework_structure(source))
    audit_record(
        actor=actor,
        action="assessments.framework.cloned",
        target=framework,
        after=snapshot(framework, FRAMEWORK_FIELDS),
        data={"source": source.pk, **counts},
    )
    return framework


def framework_new_version(*, actor: User, framework: Framework) -> Framework:
    """A locked framework stays as it is; its successor is a draft copy of the same year."""
    return framework_clone(
        actor=actor,
        source=framework,
        year=framework.year,
        name=framework.name,
        description=framework.description,
    )


@transaction.atomic
def framework_import(
    *,
    actor: User,
    structure: Sequence[dict[str, Any]],
    framework: Framework | None = None,
    year: int | None = None,
    name: str = "",
    total_score: Decimal | None = None,
    description: str = "",
) -> Framework:
    """Replace a draft's content with imported data, or create a new draft.
    `structure` is already validated (frameworks_xlsx.parse): all or nothing."""
    if framework is None:
        assert year is not None and total_score is not None
        framework = framework_create(
            actor=actor, year=year, name=name, total_score=total_score, description=description
        )
    else:
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _require_draft(framework)
        Rule.objects.filter(indicator__section__framework=framework).delete()
        Indicator.objects.filter(section__framework=framework).delete()
        framework.sections.all().delete()
    counts = _build_tree(framework, structure)
    audit_record(actor=actor, action="assessments.framework.imported", target=framework, data=counts)
    return framework


_RULE_KIND_FROM_TABLE: dict[str, str] = {TableKind.BONUS: RuleKind.ADD}


def _table_indicator_method(section: ParsedSection, indicator: ParsedIndicator) -> str:
    kinds = {r.kind for r in indicator.rules}
    if kinds == {TableKind.VETO}:
        return Method.VETO
    if TableKind.GRADE in kinds:
        return Method.GRADE
    if section.kind == SectionKind.BONUS and kinds and kinds <= {TableKind.BONUS}:
        return Method.BONUS
    return Method.DEDUCT


def _table_codes(table: ParsedTable) -> list[list[str]]:
    """Indicator codes unique in the framework: the table's own where they are,
    otherwise "板块序号.序号" (tables often restart their numbering per section)."""
    taken: set[str] = set()
    codes: list[list[str]] = []
    for s_no, section in enumerate(table.sections, start=1):
        row = []
        for i_no, indicator in enumerate(section.indicators, start=1):
            code = (indicator.code or "")[:20]
            if not code or code in taken:
                code = f"{s_no}.{i_no}"
            while code in taken:
                code = f"{code}'"
            taken.add(code)
            row.append(code)
        codes.append(row)
    return codes


def _table_rule(indicator: Indicator, code: str, n: int, parsed: ParsedRule) -> Rule:
    # a 酌情扣分 range is min_points–max_points; its "points each" is that lower end
    discretionary = parsed.kind == TableKind.DISCRETIONARY
    return Rule(
        indicator=indicator,
        code=f"{code}-{n}"[:30],
        text=parsed.text,
        kind=_RULE_KIND_FROM_TABLE.get(parsed.kind, parsed.kind),
        points=Decimal("0") if discretionary else (parsed.points_each or Decimal("0")),
        max_points=parsed.cap,
        min_points=parsed.points_each if discretionary else None,
        scope=RuleScope.GROUP if parsed.scope == "group" else RuleScope.INDICATOR,
        veto_result=parsed.veto_result[:50],
        order=n,
    )


def _table_section(framework: Framework, order: int, parsed: ParsedSection, codes: list[str]) -> int:
    section = Section.objects.create(
        framework=framework,
        code=str(order),
        name=parsed.name[:100],
        order=order,
        points=parsed.points,
        kind=parsed.kind,
        in_total=parsed.in_total,
        survey_scale=(parsed.survey_scale or survey_scale_guess(parsed))
        if parsed.kind == SectionKind.SURVEY
        else None,
    )
    rules: list[Rule] = []
    n_indicator = 0
    for g_no, parsed_group in enumerate(parsed.groups, start=1):
        group = None
        if parsed_group.name is not None:
            group = IndicatorGroup.objects.create(
                section=section,
                code=f"{order}.{g_no}",
                name=parsed_group.name[:200],
                points=parsed_group.points,
                order=g_no,
            )
        for parsed_indicator in parsed_group.indicators:
            code = codes[n_indicator]
            n_indicator += 1
            method = _table_indicator_method(parsed, parsed_indicator)
            caps = [r.cap for r in parsed_indicator.rules if r.cap is not None]
            indicator = Indicator.objects.create(
                section=section,
                group=group,
                code=code,
                name=parsed_indicator.name[:200],
                max_score=parsed_indicator.points or Decimal("0"),
                method=method,
                bonus_cap=max(caps) if method == Method.BONUS and caps else None,
                overflow=parsed_indicator.overflow,
                description=parsed_indicator.description,
                order=n_indicator,
            )
            rules += [
                _table_rule(indicator, code, n, r) for n, r in enumerate(parsed_indicator.rules, start=1)
            ]
    Rule.objects.bulk_create(rules)
    return len(rules)


@transaction.atomic
def framework_import_table(*, actor: User | None, table: ParsedTable, year: int, name: str = "") -> Framework:
    """Save a 考评办法 table as an office published it (assessments/framework_import)
    as a new draft of `year`: sections with their subtotals and kinds, 二级指标
    groups (none for a two-level table), indicators (负面清单 overflow) and rules
    (a group's rule on its first indicator, scope 本组各项). The caller has shown
    or printed the findings; a table with errors never gets here."""
    if not table.indicators:
        raise ValidationError("表格中没有指标，未保存。")
    computed = sum((i.points or Decimal("0") for i in table.indicators), Decimal("0"))
    total = table.total if table.total else (computed or Decimal("100"))
    framework = framework_create(
        actor=actor, year=year, name=(name or table.title or f"{year}年度考评办法")[:200], total_score=total
    )
    codes = _table_codes(table)
    n_rules = sum(
        _table_section(framework, order, section, codes[order - 1])
        for order, section in enumerate(table.sections, start=1)
    )
    audit_record(
        actor=actor,
        action="assessments.framework.imported",
        target=framework,
        data={
            "source": "table",
            "sections": len(table.sections),
            "indicators": len(table.indicators),
            "rules": n_rules,
            "findings": [f.code for f in table.findings],
        },
    )
    return framework


# --------------------------------------------------------------------------- sections


def _validate_section(fields: dict[str, Any]) -> None:
    errors = {}
    points, scale = fields.get("points"), fields.get("survey_scale")
    if points is not None and points < 0:
        errors["points"] = "板块分值不能为负数。"
    if fields.get("kind") == SectionKind.SURVEY:
        if scale is None or scale <= 0:
            errors["survey_scale"] = "满意度测评板块须填写测评满分（如 100）。"
        if points is None:
            errors["points"] = "满意度测评板块须填写板块分值（测评结果折算成的分数）。"
    elif scale is not None:
        errors["survey_scale"] = "只有满意度测评板块填写测评满分。"
    if fields.get("kind") != SectionKind.BONUS and fields.get("in_total") is False:
        errors["in_total"] = "只有附加项板块可以不计入总分。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def section_create(
    *, actor: User, framework: Framework, code: str, name: str, order: int = 0, **fields: Any
) -> Section:
    _require_draft(framework)
    if framework.sections.filter(code=code).exists():
        raise ValidationError({"code": f"板块编号 {code} 已存在。"})
    extra = {k: fields[k] for k in SECTION_FIELDS if k in fields}
    _validate_section(extra)
    section = Section.objects.create(framework=framework, code=code, name=name, order=order, **extra)
    audit_record(
        actor=actor,
        action="assessments.section.created",
        target=section,
        after=snapshot(section, SECTION_FIELDS),
    )
    return section


@transaction.atomic
def section_update(*, actor: User, section: Section, **fields: Any) -> Section:
    _require_draft(section.framework)
    code = fields.get("code", section.code)
    if section.framework.sections.filter(code=code).exclude(pk=section.pk).exists():
        raise ValidationError({"code": f"板块编号 {code} 已存在。"})
    merged = {name: fields.get(name, getattr(section, name)) for name in SECTION_FIELDS}
    _validate_section(merged)
    before = snapshot(section, SECTION_FIELDS)
    for name, value in merged.items():
        setattr(section, name, value)
    section.save()
    b, a = diff(before, snapshot(section, SECTION_FIELDS))
    if a:
        audit_record(actor=actor, action="assessments.section.updated", target=section, before=b, after=a)
    return section


@transaction.atomic
def section_delete(*, actor: User, section: Section) -> None:
    _require_draft(section.framework)
    audit_record(
        actor=actor,
        action="assessments.section.deleted",
        target=section,
        before=snapshot(section, SECTION_FIELDS),
    )
    Rule.objects.filter(indicator__section=section).delete()
    section.indicators.all().delete()
    section.delete()


# --------------------------------------------------------------------------- groups (二级指标)


def _validate_group(fields: dict[str, Any]) -> None:
    if not (fields.get("name") or "").strip():
        raise ValidationError({"name": "请填写二级指标名称。"})
    if fields.get("points") is not None and fields["points"] < 0:
        raise ValidationError({"points": "二级指标分值不能为负数。"})


@transaction.atomic
def group_create(*, actor: User, section: Section, **fields: Any) -> IndicatorGroup:
    _require_draft(section.framework)
    values = {k: fields[k] for k in GROUP_FIELDS if k in fields}
    _validate_group(values)
    group = IndicatorGroup.objects.create(section=section, **values)
    audit_record(
        actor=actor, action="assessments.group.created", target=group, after=snapshot(group, GROUP_FIELDS)
    )
    return group


@transaction.atomic
def group_update(*, actor: User, group: IndicatorGroup, **fields: Any) -> IndicatorGroup:
    _require_draft(group.section.framework)
    merged = {name: fields.get(name, getattr(group, name)) for name in GROUP_FIELDS}
    _validate_group(merged)
    before = snapshot(group, GROUP_FIELDS)
    for name, value in merged.items():
        setattr(group, name, value)
    group.save()
    b, a = diff(before, snapshot(group, GROUP_FIELDS))
    if a:
        audit_record(actor=actor, action="assessments.group.updated", target=group, before=b, after=a)
    return group


@transaction.atomic
def group_delete(*, actor: User, group: IndicatorGroup) -> None:
    """Remove a 二级指标; its indicators stay in the section, ungrouped, and
    its group rules become the first indicator's own."""
    _require_draft(group.section.framework)
    audit_record(
        actor=actor, action="assessments.group.deleted", target=group, before=snapshot(group, GROUP_FIELDS)
    )
    Rule.objects.filter(indicator__group=group, scope=RuleScope.GROUP).update(scope=RuleScope.INDICATOR)
    group.indicators.update(group=None)
    group.delete()


# --------------------------------------------------------------------------- indicators


def _indicator_code_taken(framework: Framework, code: str, exclude: int | None = None) -> bool:
    qs = Indicator.objects.filter(section__framework=framework, code=code)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _validate_indicator(fields: dict[str, Any]) -> None:
    errors = {}
    max_score = fields.get("max_score")
    if max_score is None:
        errors["max_score"] = "请填写分值。"
    elif max_score < 0:
        errors["max_score"] = "分值不能为负数。"
    if fields.get("method") == Method.BONUS and fields.get("bonus_cap") is None:
        errors["bonus_cap"] = "加分指标须设置加分上限。"
    if fields.get("bonus_cap") is not None and fields["bonus_cap"] < 0:
        errors["bonus_cap"] = "加分上限不能为负数。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def indicator_create(
    *,
    actor: User,
    section: Section,
    assessors: Iterable[Org] = (),
    applies_to: Iterable[Org] = (),
    **fields: Any,
) -> Indicator:
    _require_draft(section.framework)
    _validate_indicator(fields)
    if _indicator_code_taken(section.framework, fields["code"]):
        raise ValidationError({"code": f"指标编号 {fields['code']} 已存在。"})
    values = {k: fields[k] for k in INDICATOR_FIELDS if k in fields}
    # a veto-method indicator is a 负面清单 unless told otherwise (as before the flag existed)
    values.setdefault("overflow", values.get("method") == Method.VETO)
    group = fields.get("group")
    _check_group(group, section)
    indicator = Indicator.objects.create(section=section, group=group, **values)
    indicator.assessors.set(list(assessors))
    indicator.applies_to.set(list(applies_to))
    audit_record(
        actor=actor,
        action="assessments.indicator.created",
        target=indicator,
        after={
            **snapshot(indicator, INDICATOR_FIELDS),
            "assessors": sorted(o.pk for o in indicator.assessors.all()),
            "applies_to": sorted(o.pk for o in indicator.applies_to.all()),
        },
    )
    return indicator


def _check_group(group: IndicatorGroup | None, section: Section) -> None:
    if group is not None and group.section_id != section.pk:
        raise ValidationError({"group": "二级指标须属于该指标所在的板块。"})


def _indicator_snapshot(indicator: Indicator) -> dict[str, Any]:
    return {
        **snapshot(indicator, (*INDICATOR_FIELDS, "section_id", "group_id")),
        "assessors": sorted(o.pk for o in indicator.assessors.all()),
        "applies_to": sorted(o.pk for o in indicator.applies_to.all()),
    }


@transaction.atomic
def indicator_update(
    *,
    actor: User,
    indicator: Indicator,
    assessors: Iterable[Org] | None = None,
    applies_to: Iterable[Org] | None = None,
    **fields: Any,
) -> Indicator:
    framework = indicator.section.framework
    _require_draft(framework)
    merged = {name: fields.get(name, getattr(indicator, name)) for name in INDICATOR_FIELDS}
    _validate_indicator(merged)
    if _indicator_code_taken(framework, merged["code"], exclude=indicator.pk):
        raise ValidationError({"code": f"指标编号 {merged['code']} 已存在。"})
    section = fields.get("section")
    if section is not None and section.framework_id != framework.pk:
        raise ValidationError({"section": "只能移动到同一考评办法的板块。"})
    before = _indicator_snapshot(indicator)
    for name, value in merged.items():
        setattr(indicator, name, value)
    if section is not None:
        indicator.section = section
    if "group" in fields:
        indicator.group = fields["group"]
    elif section is not None and indicator.group is not None and indicator.group.section_id != section.pk:
        indicator.group = None  # moved to another section: out of its old 二级指标
    _check_group(indicator.group, indicator.section)
    indicator.save()
    if assessors is not None:
        indicator.assessors.set(list(assessors))
    if applies_to is not None:
        indicator.applies_to.set(list(applies_to))
    b, a = diff(before, _indicator_snapshot(indicator))
    if a:
        audit_record(actor=actor, action="assessments.indicator.updated", target=indicator, before=b, after=a)
    return indicator


@transaction.atomic
def indicator_delete(*, actor: User, indicator: Indicator) -> None:
    _require_draft(indicator.section.framework)
    audit_record(
        actor=actor,
        action="assessments.indicator.deleted",
        target=indicator,
        before=_indicator_snapshot(indicator),
    )
    indicator.rules.all().delete()
    indicator.delete()


# --------------------------------------------------------------------------- rules


# kinds whose "points per time" has no meaning or a natural 0 (全额: the not-met score)
_POINTLESS_KINDS = (RuleKind.VETO, RuleKind.DISCRETIONARY, RuleKind.FULL)


def _validate_rule(fields: dict[str, Any]) -> None:
    if fields.get("points") is None and fields.get("kind") in _POINTLESS_KINDS:
        fields["points"] = Decimal("0")
    errors = {}
    if fields.get("points") is None:
        errors["points"] = "请填写每次扣（加）分值。"
    elif fields["points"] < 0:
        errors["points"] = "分值不能为负数，扣分或加分由细则类型决定。"
    if fields.get("max_points") is not None and fields["max_points"] < 0:
        errors["max_points"] = "累计上限不能为负数。"
    kind, low, high = fields.get("kind"), fields.get("min_points"), fields.get("max_points")
    if kind == RuleKind.DISCRETIONARY:
        if high is None:
            errors["max_points"] = "酌情扣分须填写扣分范围的上限。"
        elif low is not None and (low < 0 or low > high):
            errors["min_points"] = "酌情扣分的下限须在 0 与上限之间。"
    elif low is not None:
        errors["min_points"] = "只有酌情扣分细则填写下限。"
    if fields.get("veto_result") and kind != RuleKind.VETO:
        errors["veto_result"] = "只有否决细则填写否决结果表述。"
    if errors:
        raise ValidationError(errors)


def _check_scope(indicator: Indicator, scope: str | None) -> None:
    if scope == RuleScope.GROUP and indicator.group_id is None:
        raise ValidationError({"scope": "该指标不属于任何二级指标，细则不能适用于“本组各项”。"})


@transaction.atomic
def rule_create(*, actor: User, indicator: Indicator, **fields: Any) -> Rule:
    _require_draft(indicator.section.framework)
    _validate_rule(fields)
    _check_scope(indicator, fields.get("scope"))
    if indicator.rules.filter(code=fields["code"]).exists():
        raise ValidationError({"code": f"细则编号 {fields['code']} 已存在。"})
    rule = Rule.objects.create(indicator=indicator, **{k: fields[k] for k in RULE_FIELDS if k in fields})
    audit_record(
        actor=actor, action="assessments.rule.created", target=rule, after=snapshot(rule, RULE_FIELDS)
    )
    return rule


@transaction.atomic
def rule_update(*, actor: User, rule: Rule, **fields: Any) -> Rule:
    _require_draft(rule.indicator.section.framework)
    merged = {name: fields.get(name, getattr(rule, name)) for name in RULE_FIELDS}
    _validate_rule(merged)
    _check_scope(rule.indicator, merged["scope"])
    if rule.indicator.rules.filter(code=merged["code"]).exclude(pk=rule.pk).exists():
        raise ValidationError({"code": f"细则编号 {merged['code']} 已存在。"})
    before = snapshot(rule, RULE_FIELDS)
    for name, value in merged.items():
        setattr(rule, name, value)
    rule.save()
    b, a = diff(before, snapshot(rule, RULE_FIELDS))
    if a:
        audit_record(actor=actor, action="assessments.rule.updated", target=rule, before=b, after=a)
    return rule


@transaction.atomic
def rule_delete(*, actor: User, rule: Rule) -> None:
    _require_draft(rule.indicator.section.framework)
    audit_record(
        actor=actor, action="assessments.rule.deleted", target=rule, before=snapshot(rule, RULE_FIELDS)
    )
    rule.delete()
