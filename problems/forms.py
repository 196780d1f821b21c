from __future__ import annotations

import datetime
from typing import Any

from django import forms

from orgs.models import Org, OrgType
from problems import workflow
from problems.models import Severity, Source, SpecialCampaign
from workbench.forms import StyledFormMixin

MAX_IMPORT_BYTES = 10 * 1024 * 1024
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD。"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def unit_choices() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="责任单位",
        queryset=Org.objects.filter(active=True).exclude(type=OrgType.CITY).order_by("path"),
        error_messages={"required": "请选择责任单位。", "invalid_choice": "所选单位不存在或已停用。"},
    )


class RegisterForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label="来源", choices=Source.choices, initial=Source.INSPECTION)
    campaign = forms.ModelChoiceField(
        label="专项整治",
        queryset=SpecialCampaign.objects.all(),
        required=False,
        empty_label="（不属于专项整治）",
        error_messages={"invalid_choice": "所选专项整治不存在。"},
    )
    category = forms.CharField(
        label="问题类别", max_length=50, required=False, help_text="属于专项整治的，须为该专项整治的类别"
    )
    title = forms.CharField(label="问题标题", max_length=200, error_messages={"required": "请填写问题标题。"})
    description = forms.CharField(label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    org = unit_choices()
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices, initial=Severity.NORMAL)
    deadline = forms.DateField(
        label="办理期限", required=False, widget=DateInput(), error_messages=DATE_ERRORS,
        help_text="可在交办时再定",
    )  # fmt: skip
    supervised = forms.BooleanField(label="挂牌督办", required=False)

    def __init__(self, *args: Any, duplicates_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if duplicates_url:  # likely duplicates are pointed out while the title is typed
            live = {
                "hx-get": duplicates_url,
                "hx-target": "#duplicates",
                "hx-include": "[name=org],[name=title]",
            }
            self.fields["title"].widget.attrs.update(
                live, **{"hx-trigger": "input changed delay:500ms, change"}
            )
            self.fields["org"].widget.attrs.update(live, **{"hx-trigger": "change"})


class StepForm(StyledFormMixin, forms.Form):
    """The fields one step of the flow needs (see workflow.Transition)."""

    def __init__(self, step: workflow.Transition, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        if step.needs_org:
            self.fields["org"] = unit_choices()
        if step.needs_deadline or step.action == workflow.REJECT:
            label = "办理期限" if step.action == workflow.ASSIGN else "整改期限"
            if step.action == workflow.REJECT:
                label = "新的整改期限"
            self.fields["deadline"] = forms.DateField(
                label=label,
                required=step.needs_deadline,
                widget=DateInput(),
                error_messages={**DATE_ERRORS, "required": f"请填写{label}。"},
            )
        self.fields["note"] = forms.CharField(
            label=step.note_label,
            required=step.needs_note,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": f"请填写{step.note_label}。"},
        )
        if step.action == workflow.DISMISS:
            self.fields["duplicate_of"] = forms.IntegerField(
                label="与哪条问题重复（编号中的序号，可不填）", required=False, min_value=1
            )
        for field in self.fields.values():  # the step's own fields came after the mixin's pass
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class SuperviseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label="督办意见", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionRequestForm(StyledFormMixin, forms.Form):
    requested_deadline = forms.DateField(
        label="申请延至",
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": "请填写申请延至的日期。"},
    )
    reason = forms.CharField(
        label="延期理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写延期理由。"},
    )  # fmt: skip


class ExtensionDecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="审批", choices=[("grant", "同意延期"), ("refuse", "不同意")], widget=forms.RadioSelect
    )
    deadline = forms.DateField(
        label="批准延至", required=False, widget=DateInput(), error_messages=DATE_ERRORS,
        help_text="不填则按申请的日期",
    )  # fmt: skip
    note = forms.CharField(
        label="审批意见", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不同意时必填",
    )  # fmt: skip


class ImportForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(
        label="专项整治",
        queryset=SpecialCampaign.objects.all(),
        required=False,
        empty_label="（不属于专项整治）",
        help_text="选择后，各行的来源记为「专项整治」，问题类别须为该专项整治的类别",
    )
    source = forms.ChoiceField(
        label="默认来源",
        choices=Source.choices,
        initial=Source.HOTLINE,
        help_text="「来源」列为空的行按此登记",
    )
    file = forms.FileField(
        label="问题线索表（.xlsx）",
        help_text="每条线索一行：问题标题、问题描述、责任单位、问题类别、来源、严重程度、登记日期、办理期限、挂牌督办。"
        "可先下载导入模板。",
        error_messages={"required": "请选择要导入的文件。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("文件超过 10 MB，请分批导入。")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的文件（旧版 .xls 请先另存为 .xlsx）。")
        return upload


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    year = forms.IntegerField(
        label="年度", min_value=2015, max_value=2100,
        error_messages={"invalid": "请输入四位数的年度。", "min_value": "年度不能早于 2015 年。", "max_value": "年度不能晚于 2100 年。"},
    )  # fmt: skip
    start_date = forms.DateField(label="开始日期", widget=DateInput(), error_messages=DATE_ERRORS)
    end_date = forms.DateField(label="结束日期", widget=DateInput(), error_messages=DATE_ERRORS)
    lead_org = forms.ModelChoiceField(
        label="牵头单位",
        queryset=Org.objects.filter(active=True).order_by("path"),
        required=False,
        empty_label="（未指定）",
    )
    categories = forms.CharField(
        label="问题类别", widget=forms.Textarea(attrs={"rows": 4}), help_text="每行一个，例如：逐利执法"
    )
    description = forms.CharField(
        label="工作目标与要求", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = datetime.date.today().year

    def clean_categories(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["categories"].splitlines() if line.strip()]


class MeasureForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="措施名称", max_length=200)
    description = forms.CharField(label="措施内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    org = forms.ModelChoiceField(
        label="实施单位", queryset=Org.objects.filter(active=True).order_by("path"), required=False,
        empty_label="（未指定）",
    )  # fmt: skip
    launched_on = forms.DateField(
        label="推出日期", required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    benefit = forms.CharField(label="惠及情况", max_length=300, required=False)
