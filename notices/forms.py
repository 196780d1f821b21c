from __future__ import annotations

from typing import Any

from django import forms

from accounts import roles
from accounts.models import User
from notices import selectors
from notices.models import Channel, Module, NumberStatus
from orgs.models import Org, OrgType
from workbench.forms import StyledFormMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


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


SENDABLE_TYPES = [(value, label) for value, label in OrgType.choices if value != OrgType.CITY]


class NoticeForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=200, error_messages={"required": "请填写通知标题。"})
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "请填写通知正文。"},
    )
    uploads = MultipleFileField(
        label="附件", required=False, help_text="可多选；文件按内容检查，每个不超过上传上限"
    )
    # Recipients: by flag, by type, by tree, by list — their union.
    to_targets = forms.BooleanField(label="全部被考评单位（各县（市、区））", required=False)
    to_assessors = forms.BooleanField(label="全部考评单位", required=False)
    to_types = forms.MultipleChoiceField(
        label="按单位类型", choices=SENDABLE_TYPES, required=False, widget=forms.CheckboxSelectMultiple
    )
    to_subtree = forms.ModelChoiceField(
        label="按组织机构树（该单位及其下级）",
        queryset=Org.objects.none(),
        required=False,
        empty_label="（不按组织机构树选择）",
        error_messages={"invalid_choice": "所选单位不存在。"},
    )
    to_orgs = forms.ModelMultipleChoiceField(
        label="逐个选择",
        queryset=Org.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="按住 Ctrl（Mac 为 ⌘）可多选",
        error_messages={"invalid_choice": "所选单位不存在。", "invalid_pk_value": "所选单位不存在。"},
    )
    requires_receipt = forms.BooleanField(label="需要报送回执", required=False)
    receipt_deadline = forms.DateField(
        label="回执截止日期",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "请输入有效的日期，例如 2026-12-15。"},
    )
    receipt_fields = forms.CharField(
        label="回执填报项",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项，例如：联系人、职务、联系电话；不填则接收单位填写说明或上传回执文件",
    )
    late_receipts = forms.BooleanField(label="截止后仍接受回执", required=False)
    source = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)
    source_label = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_types"].widget.attrs["class"] = "form-check-input"
        orgs = selectors.sendable_orgs()
        self.fields["to_subtree"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["to_orgs"].queryset = orgs  # type: ignore[attr-defined]

    def recipients(self) -> list[Org]:
        data = self.cleaned_data
        return selectors.resolve_recipients(
            types=data.get("to_types") or [],
            subtree_of=data.get("to_subtree"),
            orgs=list(data.get("to_orgs") or []),
            targets=bool(data.get("to_targets")),
            assessors=bool(data.get("to_assessors")),
        )


class ReceiptForm(forms.Form):
    """The notice's own fields (answers_<n>), a note and a file."""

    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )
    file = forms.FileField(
        label="回执文件", required=False, widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args: Any, fields: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = fields
        for n, name in enumerate(fields):
            self.fields[f"answer_{n}"] = forms.CharField(
                label=name,
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        self.order_fields([f"answer_{n}" for n in range(len(fields))] + ["note", "file"])

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"answer_{n}", "") for n, name in enumerate(self.names)}


class ReserveForm(StyledFormMixin, forms.Form):
    agency = forms.CharField(label="机关代字", max_length=32, error_messages={"required": "请填写机关代字。"})
    year = forms.IntegerField(
        label="年份",
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "请输入四位数的年份。",
            "min_value": "年份不能早于 2000 年。",
            "max_value": "年份不能晚于 2100 年。",
        },
    )
    purpose = forms.CharField(
        label="用途（文件标题）", max_length=200, error_messages={"required": "请说明取号用途。"}
    )


class VoidForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="作废原因", max_length=300, error_messages={"required": "作废文号必须说明原因。"}
    )


class UseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label="使用该文号的文件", max_length=255, error_messages={"required": "请填写使用该文号的文件名称。"}
    )


class ContactForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(
        label="单位",
        queryset=Org.objects.none(),
        error_messages={"invalid_choice": "所选单位不存在。", "required": "请选择单位。"},
    )
    module = forms.ChoiceField(label="负责事项", choices=Module.choices, initial=Module.GENERAL)
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写联络员姓名。"})
    position = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        required=False,
        help_text="接收短信提醒；手机号码和电子邮箱至少填一项",
    )
    email = forms.EmailField(
        label="电子邮箱", required=False, error_messages={"invalid": "请输入有效的电子邮箱地址。"}
    )
    user = forms.ModelChoiceField(
        label="系统账号",
        queryset=User.objects.none(),
        required=False,
        empty_label="（无）",
        help_text="联络员本人的账号（可选）：提醒按其个人设置的方式发送",
        error_messages={"invalid_choice": "所选账号不属于本单位。"},
    )

    def __init__(self, *args: Any, org: Org | None, office: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if office:
            self.fields["org"].queryset = selectors.sendable_orgs()  # type: ignore[attr-defined]
        else:
            self.fields["org"].queryset = Org.objects.filter(pk=org.pk if org else 0)  # type: ignore[attr-defined]
            self.fields["org"].initial = org
            self.fields["org"].disabled = True
        users = (
            User.objects.filter(is_active=True, role__isnull=False)
            .exclude(role_id__in=roles.ADMIN_ROLES)
            .select_related("org")
            .order_by("org__path", "username")
        )
        self.fields["user"].queryset = users if office else users.filter(org_id=org.pk if org else 0)  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name}（{u.username}，{u.org}）"  # type: ignore[attr-defined]


class PreferenceForm(StyledFormMixin, forms.Form):
    email = forms.BooleanField(label=Channel.EMAIL.label, required=False)
    sms = forms.BooleanField(label=Channel.SMS.label, required=False)


NUMBER_STATUSES = NumberStatus.choices
