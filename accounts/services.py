"""Writes of accounts; each writes its own audit entry in the same transaction."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

import pyotp
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import tokens
from accounts.models import ApiToken, PasswordHistory, Role, SecurityPolicy, User
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
    """Create a user; with no password the account cannot log in until one is set.

    A password an admin chooses is known to the admin: the user must change it at
    the first log-in (as after a reset by an admin, see password_set).
    """
    user = User(username=username, name=name, org=org, role=role, phone=phone, email=email)
    if password:
        if validate:
            validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.must_change_password = actor is not None
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
    if before["is_active"] and not user.is_active:
        tokens_revoke_all(actor=actor, user=user, reason="deactivated")
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
    """Validate against the policy (including the last N passwords) and store.

    Set by anyone but the user (an admin's reset), the password must be changed at the
    next log-in. Either way the user's API tokens die with the old password.
    """
    validate_password(password, user)
    by_self = actor is not None and actor.pk == user.pk
    if user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = not by_self
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    keep = SecurityPolicy.current().history_count
    stale = user.password_history.values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    audit_record(
        actor=actor,
        action="accounts.password.changed",
        target=user,
        data={"by_self": by_self},
    )
    tokens_revoke_all(actor=actor, user=user, reason="password_changed" if by_self else "password_reset")
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


TOTP_INVALID = "动态验证码不正确或已过期。"
TOTP_REPLAYED = "该动态验证码已使用过，请等待认证器显示新的验证码后再输入。"


def totp_step(secret: str, code: str, *, now: datetime | None = None) -> int | None:
    """The time step (previous, current or next, for clock drift) whose code this is."""
    if not secret:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or timezone.now())
    code = code.strip()
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _totp_step_claim(user: User, step: int) -> bool:
    """Record `step` as the user's last accepted one unless it is not newer (a replay).
    A compare-and-set, so two requests racing with one code cannot both win."""
    claimed = (
        User.objects.filter(pk=user.pk)
        .filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step))
        .update(totp_last_step=step)
    )
    if claimed:
        user.totp_last_step = step
    return bool(claimed)


@transaction.atomic
def totp_verify(*, user: User, code: str) -> None:
    """Accept a code of the user's device once; raises ValidationError otherwise."""
    step = totp_step(user.totp_secret, code) if user.totp_enabled else None
    if step is None:
        raise ValidationError(TOTP_INVALID, code="invalid")
    if not _totp_step_claim(user, step):
        raise ValidationError(TOTP_REPLAYED, code="replayed")


@transaction.atomic
def totp_enable(*, actor: User, secret: str, code: str) -> None:
    """Confirm a new device with its first code (the caller has re-checked the password)."""
    step = totp_step(secret, code)
    if step is None:
        raise ValidationError("验证码不正确，请确认认证器时间准确后重试。", code="invalid")
    actor.totp_secret = secret
    actor.totp_enabled = True
    actor.totp_last_step = step  # the code just shown cannot then open a log-in
    actor.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
    audit_record(actor=actor, action="accounts.totp.enabled", target=actor)


@transaction.atomic
def totp_disable(*, actor: User, user: User) -> None:
    user.totp_secret = ""
    user.totp_enabled = False
    user.totp_last_step = None
    user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
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
def token_rotate(*, actor: User) -> tuple[ApiToken, str]:
    """Create the user's API token, replacing any old one.

    Returns the token and its key: the key is shown to the user this once and only its
    SHA-256 is stored.
    """
    replaced = ApiToken.objects.filter(user=actor).delete()[0] > 0
    key = tokens.new_key()
    token = ApiToken.objects.create(user=actor, key_hash=tokens.key_hash(key), prefix=tokens.key_prefix(key))
    audit_record(
        actor=actor,
        action="accounts.token.created",
        target=actor,
        data={"replaced": replaced, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: User) -> bool:
    deleted = ApiToken.objects.filter(user=actor).delete()[0] > 0
    if deleted:
        audit_record(actor=actor, action="accounts.token.revoked", target=actor)
    return deleted


@transaction.atomic
def tokens_revoke_all(*, actor: User | None, user: User, reason: str) -> int:
    """Revoke every API token of `user` (password changed or reset, account locked or
    deactivated): a key must not outlive the credentials it was issued under."""
    count = ApiToken.objects.filter(user=user).delete()[0]
    if count:
        audit_record(
            actor=actor,
            action="accounts.token.revoked",
            target=user,
            data={"reason": reason, "count": count},
        )
    return int(count)


def tokens_revoke_on_lockout(*, username: str | None) -> int:
    """django-axes has locked `username` out (its user_locked_out signal)."""
    user = User.objects.filter(username=username).first() if username else None
    return tokens_revoke_all(actor=None, user=user, reason="locked_out") if user else 0
