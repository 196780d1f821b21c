"""Password rules from the security policy: length, character classes, no reuse."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from accounts.models import SecurityPolicy

CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c.isdigit()),
    ("符号", lambda c: not c.isalnum()),
)


def character_classes(password: str) -> int:
    return sum(1 for _, test in CLASSES if any(test(c) for c in password))


class PolicyPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        policy = SecurityPolicy.current()
        errors = []
        if len(password) < policy.min_length:
            errors.append(
                ValidationError(f"密码至少需要 {policy.min_length} 个字符。", code="password_too_short")
            )
        if character_classes(password) < policy.min_classes:
            errors.append(
                ValidationError(
                    f"密码需包含大写字母、小写字母、数字、符号中的至少 {policy.min_classes} 类。",
                    code="password_too_simple",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        policy = SecurityPolicy.current()
        return f"至少 {policy.min_length} 个字符，包含大写字母、小写字母、数字、符号中的至少 {policy.min_classes} 类。"


class PasswordHistoryValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        count = SecurityPolicy.current().history_count
        if count == 0:
            return
        recent = list(user.password_history.values_list("password", flat=True)[:count])
        if user.password:
            recent.append(user.password)
        if any(check_password(password, old) for old in recent):
            raise ValidationError(f"不能使用最近 {count} 次用过的密码。", code="password_reused")

    def get_help_text(self) -> str:
        return f"不能与最近 {SecurityPolicy.current().history_count} 次使用过的密码相同。"
