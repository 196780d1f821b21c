from __future__ import annotations

from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from rest_framework import serializers

from accounts import access, roles
from accounts.models import AdminRoleRequest, Role, User
from orgs.models import Org


class UserSerializer(serializers.ModelSerializer):
    """A user as the API shows it: never the password or the TOTP secret."""

    org = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.filter(active=True), help_text="所属单位的 id"
    )
    org_code = serializers.CharField(source="org.code", read_only=True, default=None, allow_null=True)
    org_name = serializers.CharField(source="org.name", read_only=True, default=None, allow_null=True)
    role = serializers.PrimaryKeyRelatedField(
        queryset=Role.objects.all(), help_text="角色代码，如 target、assessor"
    )
    role_name = serializers.CharField(source="role.name", read_only=True, default=None, allow_null=True)
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text="初始密码（仅新建时；留空则账号暂不能登录）。从不返回。",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "org",
            "org_code",
            "org_name",
            "role",
            "role_name",
            "phone",
            "email",
            "is_active",
            "last_login",
            "totp_enabled",
            "password",
        ]
        read_only_fields = ["id", "last_login", "totp_enabled"]
        extra_kwargs = {"username": {"validators": [UnicodeUsernameValidator()]}, "name": {"required": True}}

    def validate_username(self, value: str) -> str:
        clash = User.objects.filter(username__iexact=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(f"用户名「{value}」已存在。")
        return value

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("姓名不能为空。")
        return value.strip()

    def validate_role(self, value: Role) -> Role:
        unchanged = self.instance is not None and self.instance.role_id == value.pk
        if access.is_admin_role(value) and not unchanged:
            raise serializers.ValidationError(access.ADMIN_ROLE_BY_REQUEST)
        return value

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["请提交 JSON 对象。"]})
        return super().to_internal_value(data)


class TokenStatusSerializer(serializers.Serializer):
    exists = serializers.BooleanField()
    created = serializers.DateTimeField(allow_null=True)
    expires = serializers.DateTimeField(allow_null=True, help_text="过期时间（按安全策略的令牌有效期）")
    prefix = serializers.CharField(
        allow_null=True, help_text="令牌前 6 位，便于辨认；完整令牌只在创建时返回一次"
    )


class TokenCreatedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="请求头中使用：Authorization: Token <token>；只返回这一次")
    created = serializers.DateTimeField()
    expires = serializers.DateTimeField()


class AdminRoleProposalSerializer(serializers.Serializer):
    """A 三员授权 proposal: an existing account by `username`, or a new account
    (`username`, `name`, `org`, optional `phone` and `email`) to create on approval."""

    action = serializers.ChoiceField(
        choices=AdminRoleRequest.Action.choices, help_text="grant 授予 / revoke 撤销"
    )
    role = serializers.PrimaryKeyRelatedField(
        queryset=Role.objects.filter(code__in=roles.ADMIN_ROLES),
        help_text="sysadmin、secadmin 或 auditadmin",
        error_messages={
            "does_not_exist": "三员授权只用于系统管理员、安全管理员和审计管理员角色（{pk_value}）。"
        },
    )
    username = serializers.CharField(max_length=150, help_text="已有账号的用户名，或要新建的账号的用户名")
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, help_text="仅新建账号")
    org = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.filter(active=True), required=False, allow_null=True, help_text="仅新建账号"
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text="仅新建账号")
    email = serializers.EmailField(required=False, allow_blank=True, help_text="仅新建账号")
    reason = serializers.CharField(max_length=1000, help_text="申请理由")

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["请提交 JSON 对象。"]})
        return super().to_internal_value(data)


class AdminRoleDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, help_text="审批意见（驳回时必填）"
    )

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["请提交 JSON 对象。"]})
        return super().to_internal_value(data)


class AdminRoleRequestSerializer(serializers.ModelSerializer):
    role_name = serializers.CharField(source="role.name", read_only=True)
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    username = serializers.SerializerMethodField()
    proposed_by_username = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by_username = serializers.CharField(
        source="decided_by.username", read_only=True, default=None, allow_null=True
    )
    # Blank unless a new account is proposed: "" is no e-mail address, so no `format: email`.
    new_email = serializers.CharField(read_only=True)

    class Meta:
        model = AdminRoleRequest
        fields = [
            "id",
            "action",
            "action_display",
            "role",
            "role_name",
            "user",
            "username",
            "new_username",
            "new_name",
            "new_org",
            "new_phone",
            "new_email",
            "reason",
            "status",
            "status_display",
            "proposed_by",
            "proposed_by_username",
            "proposed_at",
            "decided_by",
            "decided_by_username",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields

    def get_username(self, obj: AdminRoleRequest) -> str:
        return obj.user.username if obj.user is not None else obj.new_username
