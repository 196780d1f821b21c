"""Every API error has one shape: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from fazhi.errors import StaleEdit

MESSAGES = {
    "not_authenticated": "未登录或令牌无效。",
    "authentication_failed": "认证失败：令牌无效或已停用。",
    "permission_denied": "没有权限执行该操作。",
    "not_found": "对象不存在或无权访问。",
    "method_not_allowed": "不支持该请求方法。",
    "parse_error": "请求内容无法解析，请提交合法的 JSON。",
    "unsupported_media_type": "不支持的请求内容类型。",
    "throttled": "请求过于频繁，请稍后再试。",
    "invalid": "提交的数据有误。",
}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [str(d) if not isinstance(d, (dict, list)) else _flatten(d) for d in detail]
    return str(detail)


class Conflict(exceptions.APIException):
    """409: a stale edit (`fazhi.errors.StaleEdit`), whatever the app."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "该记录已被他人修改，您的修改没有保存。"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    code: str | None = None
    if isinstance(exc, StaleEdit):
        code = exc.api_code
        exc = Conflict("；".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = code or str(getattr(exc, "default_code", "error"))
    body: dict[str, Any] = {"code": code, "message": MESSAGES.get(code, str(getattr(exc, "detail", "")))}
    if isinstance(exc, exceptions.ValidationError):
        body["fields"] = _flatten(exc.detail)
    elif (
        isinstance(exc, exceptions.PermissionDenied)
        and str(exc.detail) != exceptions.PermissionDenied.default_detail
    ):
        body["message"] = str(exc.detail)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait:
        seconds = math.ceil(wait)
        body["message"] = f"请求过于频繁，请 {seconds} 秒后再试。"
        body["retry_after_seconds"] = seconds
        response["Retry-After"] = str(seconds)
    response.data = {"error": body}
    if response.status_code == status.HTTP_403_FORBIDDEN and code == "not_authenticated":
        response.status_code = status.HTTP_401_UNAUTHORIZED
    return response
