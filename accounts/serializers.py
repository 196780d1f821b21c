from __future__ import annotations

from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from rest_framework import serializers

from accounts.models import Role, User
from orgs.models import Org


class UserSerializer(serializers.ModelSerializer):
    """A user as the API shows it: never the password or the TOTP secret."""

    org = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.filter(active=True), help_text="所属单位的 id"
    )
    org_code = serializers.CharField(source="org.code", read_only=True, default=None)
    org_name = serializers.CharField(source="org.name", read_only=True, default=None)
    role = serializers.PrimaryKeyRelatedField(
        queryset=Role.objects.all(), help_text="角色代码，如 target、assessor"
    )
    role_name = serializers.CharField(source="role.name", read_only=True, default=None)
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
