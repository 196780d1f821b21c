from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

from orgs.models import Org

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class OrgSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]  # DRF pops declared fields
        queryset=Org.objects.all(), allow_null=True, required=False, help_text="上级单位的 id"
    )
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None, allow_null=True)
    type_display = serializers.CharField(source="get_type_display", read_only=True)
    depth = serializers.IntegerField(read_only=True)

    class Meta:
        model = Org
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "type",
            "type_display",
            "parent",
            "parent_code",
            "path",
            "depth",
            "is_target",
            "is_assessor",
            "sort_order",
            "active",
        ]
        read_only_fields = ["id", "path"]
        extra_kwargs: dict[str, Any] = {
            "code": {"validators": []}
        }  # uniqueness is the service's, with its message

    def validate_code(self, value: str) -> str:
        value = value.strip()
        if not CODE_RE.match(value):
            raise serializers.ValidationError(
                "机构代码只能包含字母、数字、短横线和下划线，且不超过 32 个字符。"
            )
        return value

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("名称不能为空。")
        return value.strip()

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["请提交 JSON 对象。"]})
        return super().to_internal_value(data)
