"""Writes of accounts; each writes its own audit entry in the same transaction."""

from __future__ import annotations

from typing import Any

import pyotp
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import PasswordHistory, Role, SecurityPolicy, User
from audit.services import audit_record, diff, snapshot
from orgs.models import Org

USER_FIELDS = ("username", "name", "org_id", "role_id", "phone", "email", "is_active")


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    name: str,
    org: Org | None,
    role: Role | None,
    password: str | None = None,
    phone: str = "",
    email: str = "",
    validate: bool = True,
) -> User:
    """Create a user; with no password the account cannot log in until one is set."""
    user = User(username=username, name=name, org=org, role=role, phone=phone, email=email)
    if password:
        if validate:
            validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=actor, action="accounts.user.created", target=user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **fields: Any) -> User:
    before = snapshot(user, USER_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    changed_before, changed_after = diff(before, snapshot(user, USER_FIELDS))
    if changed_after:
        audit_record(
            actor=actor,
            action="accounts.user.updated",
            target=user,
            before=changed_before,
            after=changed_after,
        )
    return user


@transaction.atomic
def password_set(*, actor: User | None, user: User, password: str) -> User:
    """Validate against the policy (including the last N passwords) and store."""
    validate_password(password, user)
    if user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    keep = SecurityPolicy.current().history_count
    stale = user.password_history.values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    audit_record(
        actor=actor,
        action="accounts.password.changed",
        target=user,
        data={"by_self": actor is not None and actor.pk == user.pk},
    )
    return user


@transaction.atomic
def security_policy_update(*, actor: User, **fields: Any) -> SecurityPolicy:
    policy = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)[0]
    names = list(fields)
    before = snapshot(policy, names)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()
    SecurityPolicy.forget_cached()
    changed_before, changed_after = diff(before, snapshot(policy, names))
    audit_record(
        actor=actor,
        action="accounts.policy.updated",
        target=policy,
        before=changed_before,
        after=changed_after,
    )
    return policy


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_check(secret: str, code: str) -> bool:
    return bool(secret) and pyotp.TOTP(secret).verify(code.strip(), valid_window=1)


@transaction.atomic
def totp_enable(*, actor: User, secret: str, code: str) -> bool:
    if not totp_check(secret, code):
        return False
    actor.totp_secret = secret
    actor.totp_enabled = True
    actor.save(update_fields=["totp_secret", "totp_enabled"])
    audit_record(actor=actor, action="accounts.totp.enabled", target=actor)
    return True


@transaction.atomic
def totp_disable(*, actor: User, user: User) -> None:
    user.totp_secret = ""
    user.totp_enabled = False
    user.save(update_fields=["totp_secret", "totp_enabled"])
    audit_record(actor=actor, action="accounts.totp.disabled", target=user)


@transaction.atomic
def lockout_reset(*, actor: User, username: str) -> int:
    from axes.utils import reset

    count = reset(username=username)
    audit_record(
        actor=actor, action="accounts.lockout.reset", target_repr=username, data={"username": username}
    )
    return int(count or 0)


def login_recorded(*, user: User) -> None:
    audit_record(actor=user, action="accounts.login.succeeded", target=user)


def login_failed_recorded(*, username: str) -> None:
    audit_record(
        actor=None,
        actor_name=username[:150] or "（空）",
        action="accounts.login.failed",
        target_repr=username[:255],
        data={"username": username[:150]},
    )


def logout_recorded(*, user: User) -> None:
    audit_record(actor=user, action="accounts.logout", target=user)


@transaction.atomic
def token_rotate(*, actor: User) -> Token:
    """Create the user's API token, replacing any old one; the key is shown once."""
    replaced = Token.objects.filter(user=actor).delete()[0] > 0
    token = Token.objects.create(user=actor)
    audit_record(
        actor=actor,
        action="accounts.token.created",
        target=actor,
        data={"replaced": replaced, "prefix": token.key[:4]},
    )
    return token


@transaction.atomic
def token_revoke(*, actor: User) -> bool:
    deleted = Token.objects.filter(user=actor).delete()[0] > 0
    if deleted:
        audit_record(actor=actor, action="accounts.token.revoked", target=actor)
    return deleted
