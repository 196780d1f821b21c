from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from orgs.models import Org
from performance import metrics
from performance.engine import available_rule_sets, load_rule_set
from performance.engine.values import format_number, to_decimal
from performance.models import NARRATIVE_FIELDS, PROJECT_FIELDS, BudgetProject, Indicator, Level1
from workbench.forms import StyledFormMixin

PLACEHOLDER_HELP = (
    "可用占位符，生成报告时替换为数据：{年度} {项目名称} {主管部门} {年初预算数} {全年预算数} "
    "{全年执行数} {执行率} {执行率得分} {指标得分} {自评得分} {核算得分} {最高得分} {等级}。"
    "金额请用占位符，不要手工填写数字。"
)


class LenientDecimalField(forms.CharField):
    """A number as people type it: "20", "２０", "20分", "698,000元"; blank is None."""

    def __init__(self, *args: Any, suffixes: tuple[str, ...] = ("分",), **kwargs: Any) -> None:
        self.suffixes = suffixes
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        stripped = text.strip()
        for suffix in self.suffixes:
            if stripped.endswith(suffix):
                stripped = stripped[: -len(suffix)]
        number = to_decimal(stripped)
        if number is None:
            raise forms.ValidationError(f"请输入数字（收到“{text}”）。")
        return number

    def prepare_value(self, value: Any) -> Any:
        return format_number(value) if isinstance(value, Decimal) else value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "decimal"
        return attrs


def _rule_set_choices() -> list[tuple[str, str]]:
    return [(name, f"{name}：{load_rule_set(name).title}") for name in available_rule_sets()]


class ProjectForm(StyledFormMixin, forms.ModelForm):
    budget_initial = LenientDecimalField(label="年初预算数（元）", suffixes=("元",))
    budget_adjusted = LenientDecimalField(label="全年预算数（元）", suffixes=("元",))
    budget_executed = LenientDecimalField(label="全年执行数（元）", suffixes=("元",))
    declared_execution_score = LenientDecimalField(label="执行率得分（填报）")
    declared_total = LenientDecimalField(label="自评总分（填报）")
    rule_set = forms.ChoiceField(label="评分规则", choices=_rule_set_choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = BudgetProject
        fields = ("org", *PROJECT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name, _ in NARRATIVE_FIELDS} | {
            "goal": forms.Textarea(attrs={"rows": 2}),
            "goal_result": forms.Textarea(attrs={"rows": 2}),
            "execution_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["org"]
            self.fields["version"].initial = self.instance.version
        else:
            cast(forms.ModelChoiceField, self.fields["org"]).queryset = orgs
            self.fields["org"].label = "主管部门"
            del self.fields["version"]
        for name, _ in NARRATIVE_FIELDS:
            self.fields[name].help_text = PLACEHOLDER_HELP if name in ("input_text", "process_text") else ""
        self.fields["execution_reason"].help_text = "预算执行率低于90%时必须说明原因及改进措施。"


class TableHeadForm(StyledFormMixin, forms.Form):
    """The project's figures edited inline in the 自评表 (prefix "p")."""

    budget_adjusted = LenientDecimalField(label="全年预算数（元）", suffixes=("元",))
    budget_executed = LenientDecimalField(label="全年执行数（元）", suffixes=("元",))
    declared_execution_score = LenientDecimalField(label="执行率得分")
    declared_total = LenientDecimalField(label="自评总分")
    execution_reason = forms.CharField(
        label="执行偏差原因", required=False, widget=forms.Textarea(attrs={"rows": 1})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The inputs sit in table cells under a column header, with no <label>: name them for screen readers.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

    FIELDS = (
        "budget_adjusted",
        "budget_executed",
        "declared_execution_score",
        "declared_total",
        "execution_reason",
    )


def _metric_choices() -> list[tuple[str, str]]:
    return [("", "手工填写"), *metrics.choices()]


class IndicatorRowForm(StyledFormMixin, forms.ModelForm):
    """One row of the 自评表 (prefix "i<pk>")."""

    weight = LenientDecimalField(label="分值")
    declared_score = LenientDecimalField(label="得分")
    live_metric = forms.ChoiceField(label="实时数据", choices=_metric_choices, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Indicator
        fields = (
            "level1",
            "level2",
            "name",
            "target_text",
            "actual",
            "live_metric",
            "weight",
            "declared_score",
            "deviation_reason",
            "applicable",
        )
        widgets = {"deviation_reason": forms.Textarea(attrs={"rows": 1})}

    FIELDS = (
        "level1",
        "level2",
        "name",
        "target_text",
        "actual",
        "live_metric",
        "weight",
        "declared_score",
        "deviation_reason",
        "applicable",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        cast(forms.ChoiceField, self.fields["level1"]).choices = Level1.choices
        for field in self.fields.values():
            # In a table cell under a column header, with no <label>: named for screen readers.
            field.widget.attrs.setdefault("aria-label", str(field.label))
            field.widget.attrs["class"] = (
                field.widget.attrs.get("class", "")
                .replace("form-control", "form-control form-control-sm")
                .replace("form-select", "form-select form-select-sm")
            )
        self.fields["weight"].widget.attrs["class"] += " num-input"
        self.fields["declared_score"].widget.attrs["class"] += " num-input"
        self.fields["target_text"].widget.attrs["placeholder"] = "如 ≥12人、100%、有提高"
        self.fields["actual"].widget.attrs["placeholder"] = "如 12人；定性写 达成年度指标"
        self.fields["actual"].widget.attrs["list"] = "qualitative-bands"

    def clean_weight(self) -> Decimal:
        weight = self.cleaned_data.get("weight")
        if weight is None:
            raise forms.ValidationError("请填写分值。")
        return weight


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="自评表（.xlsx）",
        help_text="标准的项目支出绩效自评表；导入全部成功才会保存，任何一行有误都不会改动数据。",
    )
    org: forms.ModelChoiceField = forms.ModelChoiceField(
        label="主管部门", queryset=Org.objects.none(), required=False
    )

    def __init__(self, *args: Any, orgs: Any = None, new_project: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if new_project and orgs is not None:
            cast(forms.ModelChoiceField, self.fields["org"]).queryset = orgs
            self.fields["org"].required = True
        else:
            del self.fields["org"]
