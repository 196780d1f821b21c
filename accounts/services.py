"""Writes of accounts; each writes its own audit entry in the same transaction."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

import pyotp
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import access, tokens
from accounts.models import AdminRoleRequest, ApiToken, PasswordHistory, Role, SecurityPolicy, User
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

    Never an admin-role account unless `actor` is None (the server itself): those
    come from an approved 三员授权 request (`admin_role_request_approve`)."""
    access.require_user_create(actor, role)
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


def _changes(user: User, fields: dict[str, Any]) -> dict[str, Any]:
    """The attributes (by attname: `role_id`, `org_id`) whose value `fields` would change."""
    changes = {}
    for name, value in fields.items():
        attname = User._meta.get_field(name).attname  # type: ignore[union-attr]
        new = value.pk if isinstance(value, models.Model) else value
        if getattr(user, attname) != new:
            changes[attname] = new
    return changes


@transaction.atomic
def user_update(*, actor: User, user: User, **fields: Any) -> User:
    """Change an account directly; who may change which fields of which account is
    `access.require_user_change` (no admin role, no admin account by the 系统管理员)."""
    access.require_user_change(actor, user, _changes(user, fields))
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
    access.require_password_set(actor, user)
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


# ----------------------------------------------------------------- 三员授权


def _pending_request_for(*, user: User | None, new_username: str = "") -> AdminRoleRequest | None:
    pending = AdminRoleRequest.objects.filter(status=AdminRoleRequest.Status.PENDING)
    if user is not None:
        return pending.filter(user=user).first()
    return pending.filter(user__isnull=True, new_username__iexact=new_username).first()


def _request_data(role_request: AdminRoleRequest) -> dict[str, Any]:
    return {
        "role_request": role_request.pk,
        "action": role_request.action,
        "role": role_request.role_id,
        "user": role_request.user_id,
        "username": role_request.user.username
        if role_request.user is not None
        else role_request.new_username,
    }


def _existing_account_problem(*, actor: User, action: str, role: Role, user: User) -> str | None:
    """Why an admin role may not be given to or taken from `user` now (None when it may)."""
    if user.pk == actor.pk:
        return "不能为自己的账号提出三员授权申请，请由其他系统管理员提出。"
    if action == AdminRoleRequest.Action.GRANT and user.role_id == role.pk:
        return f"账号「{user.username}」已是{role.name}。"
    if action == AdminRoleRequest.Action.REVOKE and user.role_id != role.pk:
        return f"账号「{user.username}」当前不是{role.name}，无需撤销。"
    if pending := _pending_request_for(user=user):
        return f"账号「{user.username}」已有待审批的三员授权申请（第 {pending.pk} 号）。"
    return None


def _new_username_problem(username: str) -> str | None:
    if not username:
        return "请填写账号的用户名。"
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return "用户名只能包含字母、数字和 @ . + - _。"
    if len(username) > 150:
        return "用户名不能超过 150 个字符。"
    if User.objects.filter(username__iexact=username).exists():
        return f"用户名「{username}」已存在。"
    if pending := _pending_request_for(user=None, new_username=username):
        return f"已有为「{username}」新建账号的待审批申请（第 {pending.pk} 号）。"
    return None


def _new_account_errors(*, action: str, username: str, name: str, org: Org | None) -> dict[str, str]:
    """What is missing or wrong in a request to create an admin account, by field."""
    if action == AdminRoleRequest.Action.REVOKE:
        return {"username": "撤销管理员角色只能针对已有账号。"}
    errors: dict[str, str] = {}
    if problem := _new_username_problem(username):
        errors["username"] = problem
    if not username:
        return errors
    if not name:
        errors["name"] = "新建账号时请填写姓名。"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过 50 个字符。"
    if org is None:
        errors["org"] = "新建账号时请选择所属单位。"
    return errors


@transaction.atomic
def admin_role_request_propose(
    *,
    actor: User,
    action: str,
    role: Role,
    user: User | None,
    reason: str,
    new_username: str = "",
    new_name: str = "",
    new_org: Org | None = None,
    new_phone: str = "",
    new_email: str = "",
) -> AdminRoleRequest:
    """A 系统管理员 proposes to give `user` (or a new account) an admin role, or to take
    it away; nothing changes until a 安全管理员 approves. Errors name the field."""
    if not access.can_propose_admin_role(actor):
        raise PermissionDenied("只有系统管理员可以提出三员授权申请。")
    errors: dict[str, str] = {}
    if action not in AdminRoleRequest.Action.values:
        errors["action"] = "操作应为授予（grant）或撤销（revoke）。"
    if not access.is_admin_role(role):
        errors["role"] = "三员授权只用于系统管理员、安全管理员和审计管理员角色。"
    reason = reason.strip()
    if not reason:
        errors["reason"] = "请填写申请理由。"
    if user is not None:
        if problem := _existing_account_problem(actor=actor, action=action, role=role, user=user):
            errors["username"] = problem
        new_username, new_name, new_org, new_phone, new_email = "", "", None, "", ""
    else:
        new_username, new_name = new_username.strip(), new_name.strip()
        errors.update(_new_account_errors(action=action, username=new_username, name=new_name, org=new_org))
    if errors:
        raise ValidationError(errors)
    role_request = AdminRoleRequest.objects.create(
        action=action,
        role=role,
        user=user,
        new_username=new_username,
        new_name=new_name,
        new_org=new_org,
        new_phone=new_phone,
        new_email=new_email,
        reason=reason,
        proposed_by=actor,
    )
    audit_record(
        actor=actor,
        action="accounts.admin_role.proposed",
        target=role_request,
        data={**_request_data(role_request), "reason": reason},
    )
    return role_request


def _decide(*, actor: User, role_request: AdminRoleRequest, status: str, note: str) -> AdminRoleRequest:
    """Compare-and-set from 待审批, so two decisions can never both apply."""
    if refusal := access.decision_refusal(actor, role_request):
        raise PermissionDenied(refusal)
    now = timezone.now()
    updated = AdminRoleRequest.objects.filter(
        pk=role_request.pk, status=AdminRoleRequest.Status.PENDING
    ).update(status=status, decided_by=actor, decided_at=now, decision_note=note)
    if not updated:
        role_request.refresh_from_db()
        raise ValidationError(f"该申请{role_request.get_status_display()}，不能再处理。")
    role_request.status, role_request.decided_by, role_request.decided_at, role_request.decision_note = (
        status,
        actor,
        now,
        note,
    )
    return role_request


def _admin_account_granted(*, actor: User, role_request: AdminRoleRequest) -> User:
    """Give the role. The account starts afresh: whatever password, token or TOTP it had
    was known to whoever ran it before, so the 安全管理员 sets a new initial password."""
    if role_request.user_id is None:
        if User.objects.filter(username__iexact=role_request.new_username).exists():
            raise ValidationError(f"用户名「{role_request.new_username}」已被占用，请驳回后重新申请。")
        user = User(
            username=role_request.new_username,
            name=role_request.new_name,
            org=role_request.new_org,
            role=role_request.role,
            phone=role_request.new_phone,
            email=role_request.new_email,
        )
        user.set_unusable_password()
        user.save()
        AdminRoleRequest.objects.filter(pk=role_request.pk).update(user=user)
        role_request.user = user
        audit_record(
            actor=actor,
            action="accounts.user.created",
            target=user,
            after=snapshot(user, USER_FIELDS),
            data={"admin_role_request": role_request.pk},
        )
        return user
    user = User.objects.select_for_update().get(pk=role_request.user_id)
    if user.role_id == role_request.role_id:
        raise ValidationError(f"账号「{user.username}」已是{role_request.role.name}。")
    before = snapshot(user, USER_FIELDS)
    user.role = role_request.role
    user.is_active = True
    user.set_unusable_password()
    user.totp_secret, user.totp_enabled = "", False
    user.save()
    tokens_revoke_all(actor=actor, user=user, reason="admin_role_granted")
    changed_before, changed_after = diff(before, snapshot(user, USER_FIELDS))
    audit_record(
        actor=actor,
        action="accounts.user.updated",
        target=user,
        before=changed_before,
        after=changed_after,
        data={"admin_role_request": role_request.pk, "password_reset": True, "token_revoked": True},
    )
    return user


def _admin_account_revoked(*, actor: User, role_request: AdminRoleRequest) -> User:
    """Take the role away: the account is left without a role and deactivated, so it
    cannot log in (sessions and API token included) until the 系统管理员 gives it an
    ordinary role and enables it again."""
    user = User.objects.select_for_update().get(pk=role_request.user_id or 0)
    if user.role_id != role_request.role_id:
        raise ValidationError(f"账号「{user.username}」当前不是{role_request.role.name}，无需撤销。")
    before = snapshot(user, USER_FIELDS)
    user.role = None
    user.is_active = False
    user.save()
    tokens_revoke_all(actor=actor, user=user, reason="admin_role_revoked")
    changed_before, changed_after = diff(before, snapshot(user, USER_FIELDS))
    audit_record(
        actor=actor,
        action="accounts.user.updated",
        target=user,
        before=changed_before,
        after=changed_after,
        data={"admin_role_request": role_request.pk, "token_revoked": True},
    )
    return user


@transaction.atomic
def admin_role_request_approve(
    *, actor: User, role_request: AdminRoleRequest, note: str = ""
) -> AdminRoleRequest:
    """A 安全管理员 (not the proposer, not the account concerned) approves: the role is
    given or taken away in the same transaction as the decision and its audit entries."""
    role_request = _decide(
        actor=actor, role_request=role_request, status=AdminRoleRequest.Status.APPROVED, note=note.strip()
    )
    before_role = (
        User.objects.filter(pk=role_request.user_id).values_list("role_id", flat=True).first()
        if role_request.user_id is not None
        else None
    )
    if role_request.action == AdminRoleRequest.Action.GRANT:
        user = _admin_account_granted(actor=actor, role_request=role_request)
    else:
        user = _admin_account_revoked(actor=actor, role_request=role_request)
    audit_record(
        actor=actor,
        action="accounts.admin_role.approved",
        target=role_request,
        before={"role_id": before_role},
        after={"role_id": user.role_id, "is_active": user.is_active},
        data={
            **_request_data(role_request),
            "proposed_by": role_request.proposed_by_id,
            "note": role_request.decision_note,
        },
    )
    return role_request


@transaction.atomic
def admin_role_request_reject(*, actor: User, role_request: AdminRoleRequest, note: str) -> AdminRoleRequest:
    if not note.strip():
        raise ValidationError({"note": "驳回时请填写审批意见。"})
    role_request = _decide(
        actor=actor, role_request=role_request, status=AdminRoleRequest.Status.REJECTED, note=note.strip()
    )
    audit_record(
        actor=actor,
        action="accounts.admin_role.rejected",
        target=role_request,
        data={
            **_request_data(role_request),
            "proposed_by": role_request.proposed_by_id,
            "note": role_request.decision_note,
        },
    )
    return role_request


@transaction.atomic
def admin_role_request_withdraw(*, actor: User, role_request: AdminRoleRequest) -> AdminRoleRequest:
    if refusal := access.withdraw_refusal(actor, role_request):
        raise PermissionDenied(refusal)
    updated = AdminRoleRequest.objects.filter(
        pk=role_request.pk, status=AdminRoleRequest.Status.PENDING
    ).update(status=AdminRoleRequest.Status.WITHDRAWN, decided_at=timezone.now())
    if not updated:
        role_request.refresh_from_db()
        raise ValidationError(f"该申请{role_request.get_status_display()}，不能撤回。")
    role_request.refresh_from_db()
    audit_record(
        actor=actor,
        action="accounts.admin_role.withdrawn",
        target=role_request,
        data=_request_data(role_request),
    )
    return role_request
