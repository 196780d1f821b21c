"""The session's user, loaded with its role and org in the same query.

Every request reads the user (AuthenticationMiddleware) and then, for the
navigation, the to-do list and every access check, its role and its org; with
Django's ModelBackend each of those is a query of its own per request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("role", "org").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
