"""Forms of 述、评、督、责: they validate and normalise input; the rules are in services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from accountability import selectors
from accountability.linkage import GRADES
from accountability.models import Figure, Severity
from accounts.models import User
from orgs.models import Org

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}


class UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}（{obj.org.short_name or obj.org.name if obj.org else '—'}）"


class RoundForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT)
    )
    title = forms.CharField(label="名称", max_length=100, widget=forms.TextInput(attrs=TEXT))
    deadline = forms.DateField(label="提交截止日期", widget=DATE)
    template = forms.CharField(
        label="述法报告模板",
        max_length=5000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 8}),
        help_text="列明党政主要负责人履行推进法治建设第一责任人职责的要点，领导干部按模板填写。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class ReviewersForm(forms.Form):
    reviewers = UserChoice(
        label="评议人（人大代表、政协委员、考评委员会成员等）",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    draw: forms.ModelChoiceField = forms.ModelChoiceField(
        label="专家抽取（述法评议）", queryset=None, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from experts.models import Draw, DrawStatus, Purpose

        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = selectors.business_users()  # type: ignore[attr-defined]
        self.fields["draw"].queryset = Draw.objects.filter(  # type: ignore[attr-defined]
            purpose_code=Purpose.SHUFA, status=DrawStatus.EXECUTED
        ).order_by("-pk")
        self.fields["draw"].widget.attrs["class"] = "form-select"


class ReportForm(forms.Form):
    body = forms.CharField(
        label="述法报告", max_length=20000, widget=forms.Textarea(attrs={**TEXT, "rows": 14})
    )
    upload = forms.FileField(
        label="上传佐证材料", required=False, widget=forms.ClearableFileInput(attrs=TEXT)
    )


class RatingForm(forms.Form):
    grade = forms.ChoiceField(
        label="评议等次",
        choices=[(g, g) for g in GRADES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    score = forms.IntegerField(
        label="评分（0–100）",
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "评分须为 0 到 100 之间的整数。",
            "max_value": "评分须为 0 到 100 之间的整数。",
        },
        widget=forms.NumberInput(attrs=TEXT),
    )
    comment = forms.CharField(
        label="评议意见", required=False, max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.TextInput(attrs=TEXT))


class PlanForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT)
    )
    topic = forms.CharField(label="督察主题", max_length=200, widget=forms.TextInput(attrs=TEXT))
    start_on = forms.DateField(label="开始日期", widget=DATE)
    end_on = forms.DateField(label="结束日期", widget=DATE)
    targets = forms.ModelMultipleChoiceField(
        label="督察对象", queryset=Org.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    team = UserChoice(label="督察组成员", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["targets"].queryset = Org.objects.filter(is_target=True).order_by("code")  # type: ignore[attr-defined]
        self.fields["team"].queryset = selectors.business_users()  # type: ignore[attr-defined]


class _PlanTargetForm(forms.Form):
    target = forms.ModelChoiceField(
        label="督察对象", queryset=Org.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = plan.targets.all()  # type: ignore[attr-defined]


class RecordForm(_PlanTargetForm):
    visited_on = forms.DateField(label="督察日期", widget=DATE)
    notes = forms.CharField(
        label="督察情况", max_length=5000, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )


class FindingForm(_PlanTargetForm):
    text = forms.CharField(
        label="发现问题", max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )
    severity = forms.ChoiceField(
        label="严重程度", choices=Severity.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    deadline = forms.DateField(label="整改期限", widget=DATE)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="处理", choices=[("confirm", "确认"), ("dismiss", "驳回")])
    reason = forms.CharField(label="理由", max_length=500)


class FollowUpForm(forms.Form):
    note = forms.CharField(label="跟进情况", max_length=1000)
    done = forms.BooleanField(label="办结", required=False)


class ProposeForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class IndicatorFigureForm(forms.Form):
    """Link an indicator of the year's campaign to a 述、评、督 figure."""

    indicator_code = forms.ChoiceField(label="考评指标", widget=forms.Select(attrs={"class": "form-select"}))
    figure = forms.ChoiceField(
        label="述评督数据", choices=Figure.choices, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["indicator_code"])
        field.choices = [(i.code, f"{i.code} {i.name}") for i in indicators]
