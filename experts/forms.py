from __future__ import annotations

from typing import Any

from django import forms

from accounts import roles
from accounts.models import User
from experts.models import Conflict, Expert, ExpertField, ExpertStatus, Purpose, Rating
from experts.services import MAX_BACKUPS, MAX_RECENT_MONTHS, MAX_SIZE, PHONE
from orgs.models import Org
from workbench.forms import StyledFormMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"


class OrgMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"


def _checks(field: forms.Field) -> None:
    """Checkbox lists: no class (Django puts it on the wrapper too); styled by .field-choices."""
    field.widget.attrs.pop("class", None)


def active_orgs() -> Any:
    return Org.objects.filter(active=True).order_by("path", "sort_order", "code")


PROFILE_FIELDS = [
    "title",
    "employer_name",
    "employer_org",
    "fields",
    "phone",
    "email",
    "address",
    "expertise",
]


class ProfileFormMixin:
    def _setup(self) -> None:
        fields = self.fields  # type: ignore[attr-defined]
        fields["employer_org"] = OrgChoiceField(
            queryset=active_orgs(),
            required=False,
            label="工作单位（本系统组织机构）",
            empty_label="（不属于本系统组织机构）",
            help_text="选择后，抽取涉及该单位的事项时自动回避",
        )
        fields["fields"] = forms.ModelMultipleChoiceField(
            queryset=ExpertField.objects.all(),
            widget=forms.CheckboxSelectMultiple,
            label="专业领域",
            error_messages={"required": "请至少选择一个专业领域。", "invalid_choice": "未知的专业领域。"},
        )
        _checks(fields["fields"])
        fields[
            "phone"
        ].help_text = "11 位手机号或带区号的固定电话；除依法治市办和本人外，他人只能看到脱敏号码"

    def clean_phone(self) -> str:
        value = str(self.cleaned_data.get("phone", "")).strip()  # type: ignore[attr-defined]
        if value and not PHONE.match(value):
            raise forms.ValidationError("手机号码应为 11 位手机号，或带区号的固定电话（如 0750-3500000）。")
        return value


class ExpertForm(ProfileFormMixin, StyledFormMixin, forms.ModelForm):
    """The office's form: the whole profile, including status, term and account."""

    class Meta:
        model = Expert
        fields = [
            "name",
            "title",
            "employer_name",
            "employer_org",
            "fields",
            "term_start",
            "term_end",
            "status",
            "status_note",
            "phone",
            "email",
            "address",
            "expertise",
            "remarks",
            "user",
        ]
        widgets = {
            "term_start": DateInput(),
            "term_end": DateInput(),
            "expertise": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "请填写姓名。"},
            "employer_name": {"required": "请填写工作单位。"},
            "term_start": {"required": "请填写聘期开始日期。", "invalid": "日期格式应为 YYYY-MM-DD。"},
            "term_end": {"required": "请填写聘期结束日期。", "invalid": "日期格式应为 YYYY-MM-DD。"},
            "email": {"invalid": "电子邮箱格式不正确。"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup()
        linked = Expert.objects.exclude(user=None)
        if self.instance.pk:
            linked = linked.exclude(pk=self.instance.pk)
        self.fields["user"] = forms.ModelChoiceField(
            queryset=User.objects.filter(role_id=roles.EXPERT, is_active=True)
            .exclude(pk__in=linked.values("user_id"))
            .order_by("username"),
            required=False,
            label="登录账号",
            empty_label="（暂不关联账号）",
            help_text="角色为“专家”的账号；关联后专家可登录查看本人档案和任务",
        )
        self.fields["user"].widget.attrs["class"] = "form-select"
        self.fields["employer_org"].widget.attrs["class"] = "form-select"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", "聘期结束日期不能早于开始日期。")
        return data


class OwnProfileForm(ProfileFormMixin, StyledFormMixin, forms.ModelForm):
    """What an expert may change in its own profile."""

    class Meta:
        model = Expert
        fields = PROFILE_FIELDS
        widgets = {"expertise": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "employer_name": {"required": "请填写工作单位。"},
            "email": {"invalid": "电子邮箱格式不正确。"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup()
        self.fields["employer_org"].widget.attrs["class"] = "form-select"


class ConflictForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Conflict
        fields = ["kind", "org", "description"]
        error_messages = {"kind": {"required": "请选择利益冲突的类型。"}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(
            queryset=active_orgs(), required=False, label="相关单位", empty_label="（本系统外的单位或个人）"
        )
        self.fields["org"].widget.attrs["class"] = "form-select"
        self.fields["description"].help_text = "例如：配偶在该单位任职；曾担任该单位法律顾问"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("org") and not str(data.get("description", "")).strip():
            self.add_error("org", "请选择相关单位，或在说明中写明利害关系。")
        return data


class DrawForm(StyledFormMixin, forms.Form):
    purpose = forms.CharField(
        label="抽取事由",
        max_length=200,
        error_messages={"required": "请填写抽取事由。", "max_length": "抽取事由不能超过 200 个字。"},
        help_text="例如：2023年度述法评议专家组",
    )
    purpose_code = forms.ChoiceField(label="用途", choices=Purpose.choices, initial=Purpose.OTHER)
    object_label = forms.CharField(
        label="业务对象", max_length=200, required=False, help_text="例如：第二届评选"
    )
    size = forms.IntegerField(
        label="专家组人数",
        min_value=1,
        max_value=MAX_SIZE,
        initial=5,
        error_messages={
            "required": "请填写专家组人数。",
            "invalid": "专家组人数应为整数。",
            "min_value": "专家组人数至少为 1 人。",
            "max_value": f"专家组人数不能超过 {MAX_SIZE} 人。",
        },
    )
    backups = forms.IntegerField(
        label="候补人数",
        min_value=0,
        max_value=MAX_BACKUPS,
        initial=2,
        error_messages={
            "required": "请填写候补人数（不设候补填 0）。",
            "invalid": "候补人数应为整数。",
            "min_value": "候补人数不能为负数。",
            "max_value": f"候补人数不能超过 {MAX_BACKUPS} 人。",
        },
    )
    required_fields = forms.ModelMultipleChoiceField(
        queryset=ExpertField.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="必需专业领域",
        help_text="专家组中至少要有一人具备每个所选领域",
        error_messages={"invalid_choice": "未知的专业领域。"},
    )
    exclude_orgs = OrgMultipleChoiceField(
        queryset=Org.objects.none(),
        required=False,
        label="回避单位",
        help_text="工作单位或申报的利益冲突涉及这些单位的专家不进入候选名单（可多选）",
        error_messages={"invalid_choice": "回避单位中有不存在的单位。"},
    )
    exclude_experts = forms.ModelMultipleChoiceField(
        queryset=Expert.objects.none(),
        required=False,
        label="指定回避的专家",
        error_messages={"invalid_choice": "指定回避的专家中有不存在的专家。"},
    )
    recent_months = forms.IntegerField(
        label="近期已抽中回避（月）",
        required=False,
        min_value=0,
        max_value=MAX_RECENT_MONTHS,
        initial=6,
        help_text="近几个月内已在专家组履职的专家不参加本次抽取；0 表示不限",
        error_messages={
            "invalid": "月数应为整数。",
            "min_value": "月数不能为负数。",
            "max_value": f"月数不能超过 {MAX_RECENT_MONTHS}。",
        },
    )
    require_account = forms.BooleanField(label="只抽取已开通登录账号的专家", required=False, initial=True)
    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exclude_orgs"].queryset = active_orgs()  # type: ignore[attr-defined]
        self.fields["exclude_experts"].queryset = Expert.objects.order_by("pk")  # type: ignore[attr-defined]
        _checks(self.fields["required_fields"])
        for name in ("exclude_orgs", "exclude_experts"):
            self.fields[name].widget.attrs["size"] = 6

    def clean_recent_months(self) -> int:
        return self.cleaned_data.get("recent_months") or 0


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请说明理由。", "max_length": "理由不能超过 500 个字。"},
    )


class EvaluateForm(StyledFormMixin, forms.Form):
    rating = forms.ChoiceField(
        label="履职评价", choices=Rating.choices, error_messages={"required": "请选择履职评价等次。"}
    )
    evaluation = forms.CharField(
        label="评价意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PoolFilterForm(forms.Form):
    field = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "全部状态"), *ExpertStatus.choices])
    q = forms.CharField(required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "全部领域"), *ExpertField.objects.values_list("code", "name")]
        self.fields["field"].choices = choices  # type: ignore[attr-defined]
