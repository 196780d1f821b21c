"""Forms of results, what-if, appeals and year over year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from assessments.models import AppealDecision
from assessments.results import Rules
from workbench.forms import StyledFormMixin

POINTS_KW: dict[str, Any] = {"max_digits": 7, "decimal_places": 2}


class WhatIfForm(StyledFormMixin, forms.Form):
    social_weight = forms.DecimalField(
        label="社会评议权重",
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=4,
        decimal_places=3,
        help_text="0 至 1，例如 0.2 表示总分中社会评议占 20%",
    )
    bonus_cap = forms.DecimalField(label="加分上限", min_value=Decimal(0), **POINTS_KW)
    excellent = forms.DecimalField(label="优秀分数线", min_value=Decimal(0), **POINTS_KW)
    good = forms.DecimalField(label="良好分数线", min_value=Decimal(0), **POINTS_KW)
    fair = forms.DecimalField(label="一般分数线", min_value=Decimal(0), **POINTS_KW)
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
