"""`Authorization: Token <key>` for the API, checked against the hashed keys in
accounts.ApiToken (replaces rest_framework.authtoken, which stored keys in plaintext)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts import security, tokens
from accounts.models import ApiToken, SecurityPolicy, User

KEYWORD = "Token"


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = "API 令牌已过期，请在“API 令牌”页面重新创建。"
    default_code = "token_expired"


class LoginGateRefused(exceptions.PermissionDenied):
    default_code = "permission_denied"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed()
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed() from None
        token = ApiToken.objects.select_related("user").filter(key_hash=tokens.key_hash(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        if timezone.now() >= token.expires_at(SecurityPolicy.current()):
            raise TokenExpired()
        gate = security.login_gate(token.user)
        if gate is not None:
            raise LoginGateRefused(gate.message)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token 认证：请求头 Authorization: Token <令牌>（令牌在“API 令牌”页面或 POST /api/v1/auth/token/ 创建）",
        }
