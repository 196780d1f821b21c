from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.http import HttpRequest

from accounts import roles
from accounts.access import ADMIN_ROLE_BY_REQUEST
from accounts.models import AdminRoleRequest, Role, SecurityPolicy, User
from orgs.models import Org
from workbench.forms import StyledFormMixin


class LoginForm(StyledFormMixin, forms.Form):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username, password = data.get("username"), data.get("password")
        if username and password:
            user = authenticate(self.request, username=username, password=password)
            if user is None:
                raise forms.ValidationError("用户名或密码不正确。", code="invalid_login")
            if not user.is_active:
                raise forms.ValidationError("该账号已停用，请联系系统管理员。", code="inactive")
            self.user = user  # type: ignore[assignment]
        return data


class TotpForm(StyledFormMixin, forms.Form):
    code = forms.RegexField(
        label="动态验证码",
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": "请输入认证器上显示的 6 位数字。"},
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class TotpEnrolForm(TotpForm):
    """Turning on (or moving) the second factor needs the password again: a session
    left open is not enough to bind a device to the account."""

    password = forms.CharField(
        label="当前密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["password", "code"]

    def __init__(self, request: HttpRequest, user: User, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.pop("autofocus", None)

    def clean_password(self) -> str:
        value = self.cleaned_data["password"]
        # Through authenticate(): a wrong password counts toward the account's lock-out
        # and a locked account is refused, exactly as at the log-in form.
        if authenticate(self.request, username=self.user.username, password=value) is None:
            raise forms.ValidationError("当前密码不正确。", code="invalid_login")
        return value


class PasswordChangeForm(StyledFormMixin, forms.Form):
    old_password = forms.CharField(label="当前密码", strip=False, widget=forms.PasswordInput)
    new_password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput, help_text=password_validators_help_text_html
    )
    new_password2 = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("当前密码不正确。")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        elif p1:
            try:
                validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


class UserForm(StyledFormMixin, forms.ModelForm):
    password = forms.CharField(
        label="初始密码",
        strip=False,
        required=False,
        widget=forms.PasswordInput,
        help_text="留空则账号暂不能登录，需之后设置密码。",
    )

    class Meta:
        model = User
        fields = ["username", "name", "org", "role", "phone", "email", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(active=True)  # type: ignore[attr-defined]
        # Admin roles are never offered here: they come from an approved 三员授权 request.
        self.fields["role"].queryset = Role.objects.exclude(code__in=roles.ADMIN_ROLES)  # type: ignore[attr-defined]
        self.fields["role"].error_messages["invalid_choice"] = f"所选角色不可用。{ADMIN_ROLE_BY_REQUEST}"
        self.fields["org"].required = True
        self.fields["role"].required = True
        if self.instance.pk:
            del self.fields["password"]

    def clean_password(self) -> str:
        value = self.cleaned_data.get("password") or ""
        if value:
            validate_password(value, User(username=self.cleaned_data.get("username", "")))
        return value


class AdminAccountForm(StyledFormMixin, forms.ModelForm):
    """What the 安全管理员 edits on another admin account; role and 启用/停用 go
    through a 三员授权 request."""

    class Meta:
        model = User
        fields = ["name", "org", "phone", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["org"].required = True
        self.fields["name"].required = True


class AdminRoleProposeForm(StyledFormMixin, forms.Form):
    """Errors of the service come back by the same field names."""

    action = forms.ChoiceField(label="操作", choices=AdminRoleRequest.Action.choices)
    role = forms.ModelChoiceField(
        label="管理员角色", queryset=Role.objects.filter(code__in=roles.ADMIN_ROLES).order_by("code")
    )
    username = forms.CharField(
        label="账号（用户名）",
        max_length=150,
        help_text="填写已有账号的用户名；授予角色时也可填写新的用户名，批准后新建该账号。",
    )
    name = forms.CharField(label="姓名（仅新建账号）", max_length=50, required=False)
    org = forms.ModelChoiceField(
        label="所属单位（仅新建账号）", queryset=Org.objects.filter(active=True), required=False
    )
    phone = forms.CharField(label="联系电话（仅新建账号）", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱（仅新建账号）", required=False)
    reason = forms.CharField(label="申请理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class AdminRoleDecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label="审批结果", choices=[("approve", "批准"), ("reject", "驳回")])
    note = forms.CharField(
        label="审批意见",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="驳回时必填。",
    )


class SecurityPolicyForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = [
            "min_length",
            "min_classes",
            "history_count",
            "failure_limit",
            "lockout_minutes",
            "session_timeout_minutes",
            "require_totp_for_admins",
            "password_max_age_days",
            "token_lifetime_days",
            "address_failure_limit",
            "address_window_minutes",
        ]

    def clean_min_length(self) -> int:
        value = self.cleaned_data["min_length"]
        if not 8 <= value <= 64:
            raise forms.ValidationError("密码最小长度应在 8 到 64 之间。")
        return value

    def clean_min_classes(self) -> int:
        value = self.cleaned_data["min_classes"]
        if not 1 <= value <= 4:
            raise forms.ValidationError("字符类别数应在 1 到 4 之间。")
        return value

    def clean_failure_limit(self) -> int:
        value = self.cleaned_data["failure_limit"]
        if not 3 <= value <= 20:
            raise forms.ValidationError("锁定阈值应在 3 到 20 次之间。")
        return value

    def clean_session_timeout_minutes(self) -> int:
        value = self.cleaned_data["session_timeout_minutes"]
        if not 5 <= value <= 480:
            raise forms.ValidationError("会话超时应在 5 到 480 分钟之间。")
        return value

    def clean_password_max_age_days(self) -> int:
        value = self.cleaned_data["password_max_age_days"]
        if not (value == 0 or 7 <= value <= 365):
            raise forms.ValidationError("密码有效期应在 7 到 365 天之间，或填 0 表示永不过期。")
        return value

    def clean_token_lifetime_days(self) -> int:
        value = self.cleaned_data["token_lifetime_days"]
        if not 1 <= value <= 365:
            raise forms.ValidationError("API 令牌有效期应在 1 到 365 天之间。")
        return value

    def clean_address_failure_limit(self) -> int:
        value = self.cleaned_data["address_failure_limit"]
        if not 5 <= value <= 200:
            raise forms.ValidationError("同一来源地址失败上限应在 5 到 200 次之间。")
        return value

    def clean_address_window_minutes(self) -> int:
        value = self.cleaned_data["address_window_minutes"]
        if not 1 <= value <= 120:
            raise forms.ValidationError("来源地址失败统计时长应在 1 到 120 分钟之间。")
        return value


class UnlockForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label="要解锁的用户名", max_length=150)


class AdminPasswordForm(StyledFormMixin, forms.Form):
    """The system admin sets a user's password (e.g. after an import)."""

    new_password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput, help_text=password_validators_help_text_html
    )
    new_password2 = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data
