from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from accounts import roles
from accounts.models import User
from orgs.models import Org
from selections import aggregate, phases
from workbench.forms import StyledFormMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_ERRORS = {"invalid": "请输入有效的日期，例如 2023-06-30。"}


class EditionForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label="评选年度", min_value=2015, max_value=2100)
    ordinal = forms.IntegerField(label="届次", min_value=1, max_value=99, help_text="第几届，例如 2")
    name = forms.CharField(label="名称", max_length=100, initial="十大法治惠民实事项目评选")
    description = forms.CharField(label="评选说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tracking_year = forms.IntegerField(label="落实年度", min_value=2015, max_value=2100, required=False)
    indicator_code = forms.CharField(
        label="纳入考评指标编号",
        max_length=20,
        required=False,
        help_text="落实年度法治江门建设考评中读取项目完成情况的指标编号，例如 5.8",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for phase in phases.ORDER:
            self.fields[f"deadline_{phase}"] = forms.DateField(
                label=f"{phases.LABELS[phase]}截止日期",
                required=False,
                widget=DateInput(),
                error_messages=DATE_ERRORS,
            )
            self.fields[f"deadline_{phase}"].widget.attrs["class"] = "form-control"
        if editing:
            del self.fields["year"], self.fields["ordinal"]

    def deadlines(self) -> dict[str, Any]:
        return {
            p: self.cleaned_data.get(f"deadline_{p}")
            for p in phases.ORDER
            if self.cleaned_data.get(f"deadline_{p}")
        }


class RulesForm(StyledFormMixin, forms.Form):
    expert_weight = forms.DecimalField(label="专家评审权重", min_value=0, max_value=1, decimal_places=4)
    public_weight = forms.DecimalField(label="公众投票权重", min_value=0, max_value=1, decimal_places=4)
    shortlist_size = forms.IntegerField(label="入围公众投票项目数", min_value=1, max_value=200)
    top_n = forms.IntegerField(label="评出项目数", min_value=1, max_value=50)
    disagreement_threshold = forms.DecimalField(
        label="专家分歧阈值（分）",
        min_value=0,
        max_value=10,
        decimal_places=2,
        help_text="同一项目各专家加权得分的极差超过该值时标记为分歧较大",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in aggregate.CRITERIA:
            self.fields[f"w_{code}"] = forms.DecimalField(
                label=f"{label}权重", min_value=0, max_value=1, decimal_places=4
            )
            self.fields[f"w_{code}"].widget.attrs["class"] = "form-control"

    def weights(self) -> dict[str, Decimal]:
        return {code: self.cleaned_data[f"w_{code}"] for code in aggregate.CRITERIA_CODES}


class AdvanceForm(StyledFormMixin, forms.Form):
    to_phase = forms.ChoiceField(
        choices=[(p, phases.LABELS[p]) for p in phases.ORDER], widget=forms.HiddenInput
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class NominationForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="项目名称", max_length=100)
    nominating_unit = forms.CharField(label="推荐单位（个人填姓名）", max_length=100)
    description = forms.CharField(
        label="项目内容",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="要解决的问题、主要措施",
    )
    beneficiaries = forms.CharField(label="受益群体", max_length=200)
    budget = forms.DecimalField(
        label="预算（万元）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    timeline = forms.CharField(label="实施周期", max_length=200, help_text="例如：2024年1月至12月")
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(
        label="联系电话", max_length=20, required=False, help_text="仅供依法治市办联系核实，不会公开"
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label="附件",
        required=False,
        help_text="可选，最多 5 个（PDF、Word、图片等），单个文件不超过上传上限",
    )


class PublicNominationForm(NominationForm):
    captcha = forms.CharField(label="验证码（请计算图中算式的结果）", max_length=8)


class LookupForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label="查询码", max_length=20, help_text="提交推荐或异议时显示的查询码")
    captcha = forms.CharField(label="验证码（请计算图中算式的结果）", max_length=8)


class ScreenForm(StyledFormMixin, forms.Form):
    eligible = forms.TypedChoiceField(
        label="审查结论",
        choices=[("1", "符合条件"), ("0", "不符合条件")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(label="审查意见（推荐人可以看到）", max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["eligible"].widget.attrs["class"] = "form-check-input"


class ReviewForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label="评审意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in aggregate.CRITERIA:
            field = forms.DecimalField(
                label=f"{label}（0–10）",
                required=False,
                max_digits=4,
                decimal_places=1,
                error_messages={
                    "invalid": f"「{label}」请填写 0 到 10 之间的数字。",
                    "max_decimal_places": f"「{label}」最多保留 1 位小数。",
                    "max_digits": f"「{label}」的得分须在 0 到 10 分之间。",
                    "max_whole_digits": f"「{label}」的得分须在 0 到 10 分之间。",
                },
            )
            field.widget.attrs.update({"class": "form-control", "min": "0", "max": "10", "step": "0.1"})
            self.fields[code] = field
        self.order_fields([*aggregate.CRITERIA_CODES, "comment"])

    def scores(self) -> dict[str, Decimal | None]:
        return {code: self.cleaned_data.get(code) for code in aggregate.CRITERIA_CODES}


class PanelForm(StyledFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        label="专家",
        queryset=User.objects.none(),
        error_messages={"invalid_choice": "所选专家不存在。", "required": "请选择专家。"},
    )
    employer_org = forms.ModelChoiceField(label="工作单位", queryset=Org.objects.none(), required=False)
    conflict_orgs = forms.ModelMultipleChoiceField(
        label="申报回避的单位",
        queryset=Org.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role_id=roles.EXPERT, is_active=True)  # type: ignore[attr-defined]
        orgs = Org.objects.filter(active=True)
        self.fields["employer_org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["conflict_orgs"].queryset = orgs  # type: ignore[attr-defined]


class CodesForm(StyledFormMixin, forms.Form):
    count = forms.IntegerField(label="生成数量", min_value=1, max_value=5000, initial=100)


class DecideForm(StyledFormMixin, forms.Form):
    votes = forms.CharField(widget=forms.HiddenInput, required=False)
    valid = forms.TypedChoiceField(
        label="认定", choices=[("1", "有效"), ("0", "无效")], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label="认定理由", max_length=300)


class VoteForm(StyledFormMixin, forms.Form):
    nomination = forms.IntegerField(widget=forms.HiddenInput, required=False)
    method = forms.ChoiceField(
        label="验证方式",
        choices=[("code", "投票码"), ("phone", "手机号码")],
        widget=forms.RadioSelect,
        initial="code",
    )
    code = forms.CharField(label="投票码", max_length=20, required=False)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    phone_again = forms.CharField(label="再次输入手机号码", max_length=20, required=False)
    captcha = forms.CharField(label="验证码（手机号码投票时填写）", max_length=8, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].widget.attrs["class"] = "form-check-input"
        self.fields["phone"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "tel"})
        self.fields["phone_again"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["code"].widget.attrs.update({"autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == "code" and not data.get("code"):
            self.add_error("code", "请输入投票码。")
        if data.get("method") == "phone":
            if not data.get("phone"):
                self.add_error("phone", "请输入手机号码。")
            elif data.get("phone") != data.get("phone_again"):
                self.add_error("phone_again", "两次输入的手机号码不一致。")
            if not data.get("captcha"):
                self.add_error("captcha", "请输入验证码。")
        return data


class ObjectionForm(StyledFormMixin, forms.Form):
    nomination = forms.TypedChoiceField(label="对哪个项目提出异议", coerce=int, choices=())
    text = forms.CharField(
        label="异议的事实和理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact = forms.CharField(label="联系方式（选填）", max_length=50, required=False)
    captcha = forms.CharField(label="验证码（请计算图中算式的结果）", max_length=8)


class AnswerForm(StyledFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label="结论",
        choices=[("0", "异议不成立"), ("1", "异议成立（撤销该项目入选）")],
        coerce=lambda v: v == "1",
    )
    answer = forms.CharField(label="答复意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ResponsibleForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(label="责任单位", queryset=Org.objects.filter(active=True))


class MilestoneForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="节点", max_length=200)
    due = forms.DateField(label="计划完成日期", widget=DateInput(), error_messages=DATE_ERRORS)


class ProgressForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label="进展情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)


class DoneForm(StyledFormMixin, forms.Form):
    done_on = forms.DateField(label="实际完成日期", widget=DateInput(), error_messages=DATE_ERRORS)


class PanelDrawForm(StyledFormMixin, forms.Form):
    """Parameters of the draw that forms the edition's panel from the expert pool."""

    size = forms.IntegerField(
        label="评审专家人数",
        min_value=1,
        max_value=50,
        initial=5,
        error_messages={
            "required": "请填写评审专家人数。",
            "min_value": "评审专家至少 1 人。",
            "max_value": "评审专家不能超过 50 人。",
        },
    )
    backups = forms.IntegerField(
        label="候补人数",
        min_value=0,
        max_value=20,
        initial=2,
        error_messages={
            "required": "请填写候补人数。",
            "min_value": "候补人数不能为负数。",
            "max_value": "候补人数不能超过 20 人。",
        },
    )
    required_fields = forms.MultipleChoiceField(
        label="须覆盖的专业领域",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选专业领域不存在。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from experts import selectors as expert_selectors

        super().__init__(*args, **kwargs)
        self.fields["required_fields"].choices = list(expert_selectors.field_labels().items())  # type: ignore[attr-defined]
