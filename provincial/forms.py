from __future__ import annotations

import datetime
from typing import Any

from django import forms

from orgs.models import Org
from provincial import selectors
from provincial.models import Grade, ProvincialFramework
from workbench.forms import StyledFormMixin

MAX_IMPORT_BYTES = 10 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class FrameworkImportForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(
        label="考评年度",
        min_value=2015,
        max_value=2100,
        error_messages={
            "invalid": "请输入四位数的年度。",
            "min_value": "年度不能早于 2015 年。",
            "max_value": "年度不能晚于 2100 年。",
        },
    )
    name = forms.CharField(label="名称", max_length=200, initial="法治广东建设考评指标体系")
    source_note = forms.CharField(
        label="来源说明",
        max_length=300,
        required=False,
        help_text="例如省委依法治省办印发考评办法及标准的文号、日期",
    )
    total = forms.DecimalField(
        label="总分",
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        help_text="填写后将核对各指标分值之和是否等于总分；不填则以表内「合计」行或分值之和为准",
    )
    file = forms.FileField(
        label="指标体系文件（.xlsx）",
        help_text="每个指标一行：编码、板块、指标、分值、评分标准、佐证材料要求。可先下载导入模板。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = datetime.date.today().year
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的文件（.xls 请先另存为 .xlsx）。")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("文件超过 10 MB，请检查是否选错了文件。")
        return upload


class FrameworkEditForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ProvincialFramework
        fields = ["name", "source_note"]


class AssignForm(StyledFormMixin, forms.Form):
    orgs = forms.ModelMultipleChoiceField(
        label="责任单位",
        queryset=Org.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一个责任单位。",
            "invalid_choice": "所选单位不存在或不能分派任务。",
            "invalid_pk_value": "所选单位不存在或不能分派任务。",
        },
    )
    deadline = forms.DateField(
        label="截止日期",
        widget=DateInput(),
        error_messages={"invalid": "请输入有效的日期，例如 2024-01-15。"},
    )
    description = forms.CharField(
        label="任务要求",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="本单位需要提供的材料、需要说明的情况等；不填则以指标的佐证材料要求为准",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orgs"].queryset = selectors.municipal_units()  # type: ignore[attr-defined]

    def units(self) -> Any:
        return self.fields["orgs"].queryset  # type: ignore[attr-defined]


class TaskEditForm(StyledFormMixin, forms.Form):
    deadline = forms.DateField(
        label="截止日期",
        widget=DateInput(),
        error_messages={"invalid": "请输入有效的日期，例如 2024-01-15。"},
    )
    description = forms.CharField(label="任务要求", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ScoreField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            min_value=0,
            max_digits=6,
            decimal_places=2,
            required=False,
            error_messages={
                "invalid": "请输入数字。",
                "min_value": "分数不能为负数。",
                "max_decimal_places": "最多保留两位小数。",
                "max_digits": "分数过大。",
                "max_whole_digits": "分数过大。",
            },
            **kwargs,
        )


class TaskReportForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label="工作情况说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="对照评分标准说明本单位完成情况、佐证材料对应关系、可能失分的原因",
    )
    self_score = ScoreField(label="自估分", help_text="对照评分标准，预计本指标可得的分数（不超过分值）")


class AcceptForm(StyledFormMixin, forms.Form):
    reviewed_score = ScoreField(label="审核预计分", help_text="不填则按单位自估分计算预计得分")


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="退回理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "退回时必须填写理由。"},
    )
    reviewed_score = ScoreField(label="审核预计分", help_text="可选：按目前材料预计的得分")


class ResultForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(
        label="考评年度",
        min_value=2015,
        max_value=2100,
        error_messages={
            "invalid": "请输入四位数的年度。",
            "min_value": "年度不能早于 2015 年。",
            "max_value": "年度不能晚于 2100 年。",
        },
    )
    grade = forms.ChoiceField(label="等次", choices=Grade.choices)
    score = forms.DecimalField(
        label="得分",
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        error_messages={"invalid": "请输入数字。", "min_value": "得分不能为负数。"},
    )
    note = forms.CharField(
        label="说明", max_length=300, required=False, help_text="例如通报文号；省里只通报等次时得分可不填"
    )
