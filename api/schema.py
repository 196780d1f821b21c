"""The OpenAPI schema states the error answers every operation may give, in the one
shape of api/errors.py, so a client (and the schema fuzz, api/tests/test_fuzz_schema.py)
can rely on the schema for 4xx answers as for 2xx ones."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
                "retry_after_seconds": {"type": "integer"},
            },
        }
    },
}
# Any operation: bad input, no or a bad token, no permission, throttled.
ALWAYS = {
    "400": "提交的数据或查询参数有误（fields 逐项说明）",
    "401": "未登录或令牌无效",
    "403": "没有权限",
    "429": "请求过于频繁（Retry-After）",
}
# An operation on one object (a path parameter) or that names one in its query.
NOT_FOUND = {"404": "对象不存在或无权访问"}
# A write may lose a compare-and-set race or meet a state that forbids it, or send a
# body in a type the operation does not read.
CONFLICT = {"409": "该记录已被他人修改或状态已变", "415": "不支持的请求内容类型"}
WRITES = {"post", "put", "patch", "delete"}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            errors = {**ALWAYS, **NOT_FOUND}
            if method in WRITES:
                errors |= CONFLICT
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                responses.setdefault(status, {"description": description, "content": reference})
            for status, response in responses.items():  # an error an operation states itself
                if status.startswith("4") and not response.get("content"):
                    response["content"] = reference
    return result
