"""Forms of 法治建设考评: frameworks, campaigns, self-assessments, scoring,
results (what-if), appeals and duties. Business rules are checked by the
services; these validate and normalise the input."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from assessments.framework_import.findings import survey_scale_guess
from assessments.framework_import.model import KIND_LABELS, ParsedTable
from assessments.models import (
    GROUP_FIELDS,
    INDICATOR_FIELDS,
    PHASE_ORDER,
    RULE_FIELDS,
    SECTION_FIELDS,
    AppealDecision,
    Duty,
    Framework,
    Indicator,
    IndicatorGroup,
    Phase,
    Rule,
    RuleKind,
    RuleScope,
    Section,
    SectionKind,
)
from assessments.selectors import frameworks as framework_selectors
from assessments.selectors.results import Rules
from assessments.services.scores import ItemInput
from orgs.models import Org
from orgs.selectors import assessors as assessor_orgs
from orgs.selectors import targets as target_orgs
from workbench.forms import StyledFormMixin

POINT_FIELD: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}


class OrgChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class FrameworkForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=200)
    total_score = forms.DecimalField(
        label="总分", min_value=Decimal("0.01"), initial=Decimal("100"), **POINT_FIELD
    )
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["year"].disabled = True


class CloneForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label="新年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=200)


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class FrameworkImportForm(FrameworkForm, ImportForm):
    pass


class SectionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = list(SECTION_FIELDS)
        help_texts = {
            "points": "板块小计（如 20 分）；锁定时核对其下各项之和。留空不核对。",
            "in_total": "附加项板块不勾选时，其加、扣分在总分之外另计。",
            "survey_scale": "满意度测评板块的测评满分（如 100），按比例折算为板块分值。",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["kind"] = data.get("kind") or SectionKind.STANDARD
        if data["kind"] != SectionKind.BONUS:
            data["in_total"] = True  # only a 附加项 section may sit outside the total
        return data

    def validate_unique(self) -> None:  # the service checks, with the same message everywhere
        pass


class IndicatorForm(StyledFormMixin, forms.ModelForm):
    assessors = OrgChoiceField(
        label="考评单位", queryset=None, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    applies_to = OrgChoiceField(
        label="适用被考评单位",
        queryset=None,
        required=False,
        help_text="不选表示适用于全部被考评单位。",
        widget=forms.SelectMultiple(attrs={"size": 7}),
    )

    class Meta:
        model = Indicator
        fields = ["section", "group", *INDICATOR_FIELDS, "assessors", "applies_to"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence_required": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = framework.sections.order_by("order", "code")  # type: ignore[attr-defined]
        self.fields["group"].queryset = IndicatorGroup.objects.filter(  # type: ignore[attr-defined]
            section__framework=framework
        ).order_by("section__order", "order", "code")
        self.fields["group"].help_text = "二级指标（可不选）；须属于所选板块。"
        self.fields[
            "overflow"
        ].help_text = "勾选：扣分可超出本指标分值，超出部分从总分中扣除；不勾选：扣完为止。"
        self.fields["assessors"].queryset = assessor_orgs()  # type: ignore[attr-defined]
        self.fields["applies_to"].queryset = target_orgs()  # type: ignore[attr-defined]
        self.fields["max_score"].help_text = "加分指标的分值不计入总分。"

    def validate_unique(self) -> None:
        pass


class RuleForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Rule
        fields = list(RULE_FIELDS)
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "points": "每发生一次扣（加）的分数；等级细则填该等级对应的得分；全额细则填未达到要求时的得分（通常为 0）。",
            "max_points": "该细则累计最多扣（加）多少分，留空不限；酌情扣分细则填扣分范围的上限。",
            "min_points": "酌情扣分细则的扣分范围下限（留空为 0）。",
            "scope": "“本组各项”：细则针对整个二级指标，扣分从二级指标小计中扣除。",
            "veto_result": "否决细则的结果表述，如“不合格”“当年目标未完成”；留空为不合格。",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["scope"] = data.get("scope") or RuleScope.INDICATOR
        return data

    def validate_unique(self) -> None:
        pass


class GroupForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = IndicatorGroup
        fields = list(GROUP_FIELDS)
        help_texts = {"points": "二级指标小计；锁定时核对其下各指标分值之和。"}


class UnitClassForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="类别名称", max_length=50, help_text="如“市直单位”“县（市、区）”。")
    full_marks = forms.DecimalField(label="满分", min_value=Decimal("0.01"), **POINT_FIELD)
    members = OrgChoiceField(
        label="本类被考评单位", queryset=None, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    order = forms.IntegerField(label="排序", min_value=0, initial=0, required=False)

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = campaign.targets.order_by("code")  # type: ignore[attr-defined]


class CampaignForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=200)
    framework = forms.ModelChoiceField(label="考评办法（须已锁定）", queryset=Framework.objects.none())
    targets = OrgChoiceField(
        label="被考评单位", queryset=None, widget=forms.SelectMultiple(attrs={"size": 7})
    )
    assessors = OrgChoiceField(
        label="考评单位",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="留空则取考评办法中各指标的考评单位。",
    )
    social_weight = forms.DecimalField(
        label="社会评议权重（0–1）", min_value=0, max_value=1, initial=0, max_digits=4, decimal_places=3
    )
    bonus_cap = forms.DecimalField(label="加分上限", min_value=0, initial=5, **POINT_FIELD)
    remind_days = forms.IntegerField(label="截止前几天提醒", min_value=0, max_value=60, initial=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = framework_selectors.locked_frameworks()  # type: ignore[attr-defined]
        self.fields["targets"].queryset = target_orgs()  # type: ignore[attr-defined]
        self.fields["assessors"].queryset = assessor_orgs()  # type: ignore[attr-defined]
        add_deadline_fields(self)


def add_deadline_fields(form: forms.Form, *, initial: dict[str, Any] | None = None) -> None:
    labels = dict(Phase.choices)
    for phase in PHASE_ORDER:
        form.fields[f"due_{phase}"] = forms.DateField(
            label=f"「{labels[phase]}」截止日期",
            widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            initial=(initial or {}).get(phase),
        )


def deadlines_from(cleaned: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Phase → (starts, due); a phase starts the day after the previous one is due."""
    result: dict[str, tuple[Any, Any]] = {}
    previous = None
    for phase in PHASE_ORDER:
        due = cleaned.get(f"due_{phase}")
        if due is None:
            continue
        starts = previous + datetime.timedelta(days=1) if previous and previous < due else None
        result[phase] = (starts, due)
        previous = due
    return result


class DeadlinesForm(StyledFormMixin, forms.Form):
    def __init__(self, *args: Any, initial_deadlines: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_deadline_fields(self, initial=initial_deadlines)


class CampaignSettingsForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    social_weight = forms.DecimalField(
        label="社会评议权重（0–1）", min_value=0, max_value=1, max_digits=4, decimal_places=3
    )
    bonus_cap = forms.DecimalField(label="加分上限", min_value=0, **POINT_FIELD)
    remind_days = forms.IntegerField(label="截止前几天提醒", min_value=0, max_value=60)


class AdvanceForm(StyledFormMixin, forms.Form):
    force = forms.BooleanField(label="确认在仍有未完成事项的情况下推进", required=False)
    note = forms.CharField(
        label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class SelfAssessmentForm(StyledFormMixin, forms.Form):
    self_score = forms.DecimalField(label="自评分", required=False, min_value=0, **POINT_FIELD)
    narrative = forms.CharField(
        label="自评说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="简述本年度工作开展情况及对照评分细则的自评理由。",
    )

    def __init__(self, *args: Any, max_score: Decimal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if max_score is not None:
            self.fields["self_score"].help_text = f"本指标分值 {max_score.normalize():f} 分。"
            self.fields["self_score"].widget.attrs.update({"max": str(max_score), "step": "0.01"})


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="退回原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


STALE_FORM = "表单已过期，请刷新后重试。"


class ScoreForm(forms.Form):
    """The score editor of one indicator (经办): the 评分细则 chosen, each with its
    count, reason and the evidence looked at; a grade (`grade_rule`) or grade
    points (`base`); the reason, the version the editor was opened at and the
    action (save a draft or `submit`). Field names are the editor's inputs."""

    version = forms.IntegerField(required=False, error_messages={"invalid": STALE_FORM})
    base = forms.CharField(required=False)
    reason = forms.CharField(required=False)
    evidence_note = forms.CharField(required=False)
    grade_rule = forms.CharField(required=False)
    action = forms.CharField(required=False)

    def __init__(self, data: Any, *, rules: Iterable[Rule]) -> None:
        super().__init__(data)
        self.rules = list(rules)
        for rule in self.rules:
            self.fields[f"rule_{rule.pk}_count"] = forms.CharField(required=False)
            self.fields[f"rule_{rule.pk}_reason"] = forms.CharField(required=False)
            self.fields[f"rule_{rule.pk}_evidence"] = forms.CharField(required=False)

    def clean_version(self) -> int:
        version = self.cleaned_data.get("version")
        return -1 if version is None else version  # no version: refused as a stale edit

    def clean_base(self) -> Decimal | None:
        raw = self.cleaned_data.get("base") or ""
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise forms.ValidationError(f"「{raw}」不是有效的数字。")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for rule in self.rules:
            raw = data.get(f"rule_{rule.pk}_count") or ""
            if rule.kind == RuleKind.DISCRETIONARY:
                if raw and _points(raw) is None:
                    self.add_error(None, f"细则 {rule.code} 的酌情扣分「{raw}」不是有效的数字。")
            elif rule.kind == RuleKind.FULL:
                if raw not in FULL_UNMET + ("", "0"):
                    self.add_error(None, f"细则 {rule.code} 为全额细则，只能勾选“未达到要求”。")
            elif rule.kind != RuleKind.GRADE and raw and raw != "0" and not _is_int(raw):
                self.add_error(None, f"细则 {rule.code} 的次数「{raw}」不是整数。")
        return data

    def problems(self) -> list[str]:
        """The errors as the editor shows them: a stale form, then bad grade
        points, then each bad count."""
        for name in ("version", "base"):
            if name in self.errors:
                return [str(e) for e in self.errors[name]]
        return [str(e) for e in self.non_field_errors()]

    def items(self) -> list[ItemInput]:
        """The chosen 评分细则 in their order (a valid form only)."""
        data, items = self.cleaned_data, []
        for rule in self.rules:
            reason = data[f"rule_{rule.pk}_reason"]
            if rule.kind == RuleKind.GRADE:
                if data["grade_rule"] == str(rule.pk):
                    items.append(ItemInput(rule_id=rule.pk, count=1, reason=reason))
                continue
            raw = data[f"rule_{rule.pk}_count"]
            if rule.kind == RuleKind.DISCRETIONARY:
                if raw and _points(raw) != 0:  # the input is the points chosen within the range
                    items.append(
                        ItemInput(
                            rule_id=rule.pk,
                            points=_points(raw),
                            reason=reason,
                            evidence_note=data[f"rule_{rule.pk}_evidence"],
                        )
                    )
                continue
            if raw and raw != "0":
                items.append(
                    ItemInput(
                        rule_id=rule.pk,
                        # 全额: the checkbox "未达到要求" (met or not, once)
                        count=1 if rule.kind == RuleKind.FULL else int(raw),
                        reason=reason,
                        evidence_note=data[f"rule_{rule.pk}_evidence"],
                    )
                )
        return items


# what the 全额 checkbox "未达到要求" sends when ticked
FULL_UNMET = ("1", "on")


def _points(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _is_int(raw: str) -> bool:
    try:
        int(raw)
    except ValueError:
        return False
    return True


class ReviewForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="审核意见", required=False, max_length=1000)


class ReopenForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "表单已过期，请刷新后重试。"}
    )
    reason = forms.CharField(
        label="重新打开理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "重新打开评分须填写理由。"},
    )


class DutyForm(StyledFormMixin, forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    duty = forms.ChoiceField(
        label="职责",
        required=False,
        choices=[("", "未分配"), *Duty.choices],
        error_messages={"invalid_choice": "职责须为经办或审核。"},
    )


# --------------------------------------------------------------------------- results and appeals


class WhatIfForm(StyledFormMixin, forms.Form):
    social_weight = forms.DecimalField(
        label="社会评议权重",
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=4,
        decimal_places=3,
        help_text="0 至 1，例如 0.2 表示总分中社会评议占 20%",
    )
    bonus_cap = forms.DecimalField(label="加分上限", min_value=Decimal(0), **POINT_FIELD)
    excellent = forms.DecimalField(label="优秀分数线", min_value=Decimal(0), **POINT_FIELD)
    good = forms.DecimalField(label="良好分数线", min_value=Decimal(0), **POINT_FIELD)
    fair = forms.DecimalField(label="一般分数线", min_value=Decimal(0), **POINT_FIELD)
    excellent_quota = forms.IntegerField(
        label="优秀名额", min_value=0, required=False, help_text="留空表示不限名额；超出名额的单位评为良好"
    )

    @classmethod
    def initial_from(cls, rules: Rules) -> dict[str, Any]:
        t = rules.thresholds
        return {
            "social_weight": rules.social_weight,
            "bonus_cap": rules.bonus_cap,
            "excellent": t.get("优秀"),
            "good": t.get("良好"),
            "fair": t.get("一般"),
            "excellent_quota": rules.excellent_quota,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        e, g, f = data.get("excellent"), data.get("good"), data.get("fair")
        if e is not None and g is not None and f is not None and not (e > g > f):
            raise forms.ValidationError("分数线须满足：优秀 ＞ 良好 ＞ 一般。")
        return data

    def rules(self, base: Rules) -> Rules:
        data = self.cleaned_data
        return Rules(
            bonus_cap=data["bonus_cap"],
            social_weight=data["social_weight"],
            thresholds={"优秀": data["excellent"], "良好": data["good"], "一般": data["fair"]},
            excellent_quota=data.get("excellent_quota"),
            tie_break=base.tie_break,
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AppealForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="申诉理由",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="请写明对哪一项扣分有异议、事实依据和请求",
    )
    evidence = MultipleFileField(
        label="申诉材料", required=False, help_text="可选择多个文件；上传后按内容校验类型和大小"
    )


class AnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(label="答复意见", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class DecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label="裁决结果", choices=[("", "请选择"), *AppealDecision.choices])
    decided_score = forms.CharField(label="裁决得分（改分时填写）", required=False, max_length=20)
    decision_note = forms.CharField(
        label="裁决说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )


# ----------------------------------------------------------- 考评办法 tables as published

TABLE_RULE_KINDS = [(kind, label) for kind, label in KIND_LABELS.items()]
MAX_TABLE_BYTES = 32 * 1024 * 1024


class TableUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="考评办法表格（.xlsx 或 .docx）",
        help_text="各地各部门印发的考评办法/考核细则表格原样上传即可：可以有标题行、合并单元格、合计行，"
        "Word 文件读取其中的表格。",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TABLE_BYTES:
            raise forms.ValidationError(f"文件过大，不应超过 {MAX_TABLE_BYTES // (1024 * 1024)} MB。")
        return upload


def _points_field(label: str, value: Decimal | None) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal(0), max_digits=7, decimal_places=2, initial=value
    )


class TableCorrectionForm(StyledFormMixin, forms.Form):
    """The parsed tree as fields: every name, points, rule kind and rule points the
    office may correct before saving. `tree` lays the bound fields out for the page."""

    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=200)

    def __init__(self, *args: Any, table: ParsedTable, **kwargs: Any) -> None:
        self.table = table
        self._fields_of: list[tuple[Any, dict[str, str]]] = []  # (parsed node, attribute -> field name)
        self._sections: list[tuple[Any, str]] = []  # (parsed section, field key)
        base: dict[str, forms.Field] = {}
        for s_no, section in enumerate(table.sections):
            self._node(base, section, f"s{s_no}", "板块", name=section.name)
            self._section(base, section, f"s{s_no}")
            for g_no, group in enumerate(section.groups):
                if group.name is not None:
                    self._node(base, group, f"g{s_no}_{g_no}", "二级指标", name=group.name)
                for i_no, indicator in enumerate(group.indicators):
                    key = f"i{s_no}_{g_no}_{i_no}"
                    self._node(base, indicator, key, "指标", name=indicator.name)
                    base[f"{key}_overflow"] = forms.BooleanField(
                        label="负面清单", required=False, initial=indicator.overflow
                    )
                    self.field_names(indicator)["overflow"] = f"{key}_overflow"
                    for r_no, rule in enumerate(indicator.rules):
                        self._rule(base, rule, f"r{s_no}_{g_no}_{i_no}_{r_no}")
        super().__init__(*args, **kwargs)
        self.fields.update(base)
        for field in base.values():  # StyledFormMixin styled only the declared ones
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            field.widget.attrs["class"] = css

    def _node(self, fields: dict[str, forms.Field], node: Any, key: str, label: str, *, name: str) -> None:
        fields[f"{key}_name"] = forms.CharField(label=f"{label}名称", max_length=200, initial=name)
        fields[f"{key}_points"] = _points_field(f"{label}分值", node.points)
        self._fields_of.append((node, {"name": f"{key}_name", "points": f"{key}_points"}))

    def _section(self, fields: dict[str, forms.Field], section: Any, key: str) -> None:
        """A section's kind (常规/附加项/满意度测评), whether it counts in the total, its survey scale."""
        fields[f"{key}_kind"] = forms.ChoiceField(
            label="板块类型",
            choices=SectionKind.choices,
            initial=section.kind,
            widget=forms.Select(attrs={"aria-label": f"板块「{section.name[:30]}」的类型"}),
        )
        fields[f"{key}_in_total"] = forms.BooleanField(
            label="计入总分", required=False, initial=section.in_total
        )
        scale = section.survey_scale
        if scale is None and section.kind == SectionKind.SURVEY:
            scale = survey_scale_guess(section)
        fields[f"{key}_survey_scale"] = _points_field("测评满分", scale)
        self.field_names(section).update(
            kind=f"{key}_kind", in_total=f"{key}_in_total", survey_scale=f"{key}_survey_scale"
        )
        self._sections.append((section, key))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for section, key in self._sections:
            kind, scale = data.get(f"{key}_kind"), data.get(f"{key}_survey_scale")
            where = f"板块「{data.get(f'{key}_name') or section.name}」"
            if kind == SectionKind.SURVEY:
                if not scale:
                    self.add_error(f"{key}_survey_scale", f"{where}为满意度测评，须填写测评满分（如 100）。")
                if data.get(f"{key}_points") is None and f"{key}_points" not in self.errors:
                    self.add_error(
                        f"{key}_points", f"{where}为满意度测评，须填写板块分值（测评结果折算成的分数）。"
                    )
            if kind != SectionKind.BONUS and data.get(f"{key}_in_total") is False:
                self.add_error(f"{key}_in_total", f"{where}：只有附加项板块可以不计入总分。")
            if kind != SectionKind.SURVEY:
                data[f"{key}_survey_scale"] = None  # only a survey has a scale
        return data

    def _rule(self, fields: dict[str, forms.Field], rule: Any, key: str) -> None:
        fields[f"{key}_kind"] = forms.ChoiceField(label="类型", choices=TABLE_RULE_KINDS, initial=rule.kind)
        fields[f"{key}_points_each"] = _points_field("每次分值", rule.points_each)
        fields[f"{key}_cap"] = _points_field("上限", rule.cap)
        self._fields_of.append(
            (rule, {"kind": f"{key}_kind", "points_each": f"{key}_points_each", "cap": f"{key}_cap"})
        )

    def field_names(self, node: Any) -> dict[str, str]:
        return next(names for n, names in self._fields_of if n is node)

    def bound(self, node: Any) -> dict[str, forms.BoundField]:
        return {attr: self[name] for attr, name in self.field_names(node).items()}

    def apply(self) -> ParsedTable:
        """The table with the office's corrections (call after is_valid())."""
        for node, names in self._fields_of:
            for attr, name in names.items():
                value = self.cleaned_data.get(name)
                setattr(node, attr, value.strip() if isinstance(value, str) else value)
        return self.table


class ExtensionForm(StyledFormMixin, forms.Form):
    """延期: one unit, one phase (自评填报 for a target, 考评评分 for an assessing unit)."""

    org: forms.ModelChoiceField = forms.ModelChoiceField(label="单位", queryset=Org.objects.none())
    phase = forms.ChoiceField(
        label="阶段", choices=[(Phase.SELF_ASSESS, "自评填报"), (Phase.SCORING, "考评评分")]
    )
    due_on = forms.DateField(label="延至", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        field.queryset = orgs  # type: ignore[attr-defined]
        field.label_from_instance = lambda o: o.display_name  # type: ignore[attr-defined]


class BonusClaimForm(StyledFormMixin, forms.Form):
    """加分申报: one choice names the 加分 indicator and either one of its 加分细则
    or an item of the target's own (自拟事项)."""

    item = forms.ChoiceField(label="加分项目")
    title = forms.CharField(
        label="申报事项", max_length=200, required=False, help_text="选择加分细则时可不填；自拟事项须写明名称"
    )
    claimed_points = forms.DecimalField(label="申报分值", **POINT_FIELD)
    reason = forms.CharField(label="申报理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    evidence = MultipleFileField(label="佐证材料", help_text="可选择多个文件；上传后按内容校验类型和大小")

    def __init__(self, *args: Any, indicators: Iterable[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices: dict[str, tuple[Indicator, Rule | None]] = {}
        options: list[tuple[str, str]] = [("", "请选择")]
        for ind in indicators:
            for rule in ind.rules.all():
                if rule.kind == RuleKind.ADD:
                    key = f"rule:{rule.pk}"
                    self.choices[key] = (ind, rule)
                    options.append((key, f"{ind.code} {ind.name} · {rule.code} {rule.text[:40]}"))
            key = f"indicator:{ind.pk}"
            self.choices[key] = (ind, None)
            options.append((key, f"{ind.code} {ind.name} · 其他（自拟事项）"))
        self.fields["item"].choices = options  # type: ignore[attr-defined]

    def claim_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        indicator, rule = self.choices[data["item"]]
        return {
            "indicator": indicator,
            "rule": rule,
            "title": data["title"],
            "claimed_points": data["claimed_points"],
            "reason": data["reason"],
            "files": data["evidence"],
        }
