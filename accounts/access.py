"""Who may do what with accounts. Takes the user, not the request.

三员分立 as objects: the 系统管理员 manages ordinary accounts only. The three admin
accounts (its own included) change only this way:
- role given or taken away, account created as an admin, deactivated or reactivated:
  a 三员授权 request (AdminRoleRequest), proposed by a 系统管理员 and approved by a
  安全管理员 who is neither the proposer nor the account concerned;
- profile (name, org, phone, e-mail) and password reset: a 安全管理员, never on its
  own account; unlocking after failed log-ins: a 安全管理员 (the lock-out page);
- on one's own account: only one's own password change, TOTP and API token.
The services call `require_user_create`, `require_user_change` and
`require_password_set`, so the UI, the API and the xlsx import share these rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles
from accounts.models import AdminRoleRequest, Role, User
from orgs.selectors import org_in_scope

ADMIN_ROLE_BY_REQUEST = "管理员角色只能通过“三员授权”申请，经安全管理员审批后授予或撤销。"
ADMIN_ACCOUNT_FIELDS = ("name", "org_id", "phone", "email")


def can_manage_users(user: User) -> bool:
    return user.has_role(roles.SYSADMIN)


def can_edit_security_policy(user: User) -> bool:
    return user.has_role(roles.SECADMIN)


def can_read_audit(user: User) -> bool:
    return user.has_role(roles.AUDITADMIN)


def can_see_users(user: User) -> bool:
    return user.has_role(roles.SYSADMIN, roles.SECADMIN)


def is_admin_role(role: Role | str | None) -> bool:
    code = role.code if isinstance(role, Role) else role
    return code in roles.ADMIN_ROLES


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("没有权限执行该操作。")


def editable_user_fields(actor: User, user: User) -> tuple[str, ...]:
    """The fields of `user` that `actor` may change directly; empty when none.

    Nobody edits its own account here (only its password, TOTP and token elsewhere)."""
    if not actor.is_authenticated or actor.pk == user.pk:
        return ()
    if user.is_admin_role:
        return ADMIN_ACCOUNT_FIELDS if actor.has_role(roles.SECADMIN) else ()
    if can_manage_users(actor):
        return ("username", "name", "org_id", "role_id", "phone", "email", "is_active")
    return ()


def can_edit_user(actor: User, user: User) -> bool:
    return bool(editable_user_fields(actor, user))


def can_set_password(actor: User, user: User) -> bool:
    """Someone else's password: the 系统管理员 for ordinary accounts, the 安全管理员 for
    the admin accounts; one's own only through 修改密码 (old password required)."""
    return can_edit_user(actor, user)


def refusal_for_user(actor: User, user: User) -> str:
    if actor.pk == user.pk:
        return "不能在用户管理中修改自己的账号；修改密码、双因素认证和 API 令牌请到“个人设置”。"
    if user.is_admin_role:
        return (
            "三员账号不能由系统管理员修改：角色、启用和停用须提交“三员授权”申请，"
            "资料修改和重设密码由安全管理员办理。"
        )
    return "没有权限修改该用户。"


def require_user_create(actor: User | None, role: Role | None) -> None:
    """`actor` None is the server itself (the demo loader, the CLI)."""
    if actor is None:
        return
    if not can_manage_users(actor):
        raise PermissionDenied("没有权限新建用户。")
    if is_admin_role(role):
        raise PermissionDenied(ADMIN_ROLE_BY_REQUEST)


def require_user_change(actor: User, user: User, changes: Mapping[str, Any]) -> None:
    """The one rule for direct changes to an account (UI, API): `changes` maps each
    attribute whose value would change (`role_id`, `org_id`, ...) to its new value."""
    if not changes:
        return
    allowed = editable_user_fields(actor, user)
    if not allowed:
        raise PermissionDenied(refusal_for_user(actor, user))
    if set(changes) - set(allowed):
        raise PermissionDenied(ADMIN_ROLE_BY_REQUEST if user.is_admin_role else "没有权限修改这些字段。")
    if "role_id" in changes:
        require_role_directly_assignable(changes["role_id"])


def require_role_directly_assignable(role: Role | str | None) -> None:
    if is_admin_role(role):
        raise PermissionDenied(ADMIN_ROLE_BY_REQUEST)


def require_password_set(actor: User | None, user: User) -> None:
    if actor is None or actor.pk == user.pk:
        return
    if not can_set_password(actor, user):
        raise PermissionDenied(refusal_for_user(actor, user))


def access_user(actor: User, pk: int, *, write: bool = False) -> User:
    user = User.objects.select_related("org", "role").filter(pk=pk).first()
    if user is None:
        raise Http404("用户不存在")
    visible = can_see_users(actor) or (
        actor.has_role(roles.OFFICE) and user.org is not None and org_in_scope(actor, user.org)
    )
    if not visible:
        raise Http404("用户不存在")
    if write and not can_edit_user(actor, user):
        raise PermissionDenied(refusal_for_user(actor, user))
    return user


# ----------------------------------------------------------------- 三员授权 requests


def can_see_admin_role_requests(user: User) -> bool:
    return user.has_role(roles.SYSADMIN, roles.SECADMIN)


def can_propose_admin_role(user: User) -> bool:
    return user.has_role(roles.SYSADMIN)


def decision_refusal(actor: User, role_request: AdminRoleRequest) -> str:
    """Why `actor` may not approve or reject `role_request`; "" when it may (whatever its status)."""
    if not actor.has_role(roles.SECADMIN):
        return "只有安全管理员可以审批三员授权申请。"
    if actor.pk == role_request.proposed_by_id:
        return "不能审批自己提出的申请。"
    if role_request.user_id is not None and actor.pk == role_request.user_id:
        return "不能审批与自己账号有关的申请，请由其他安全管理员审批。"
    return ""


def withdraw_refusal(actor: User, role_request: AdminRoleRequest) -> str:
    if actor.pk != role_request.proposed_by_id:
        return "只有申请人可以撤回申请。"
    return ""


def access_admin_role_request(actor: User, pk: int) -> AdminRoleRequest:
    if not can_see_admin_role_requests(actor):
        raise Http404("申请不存在")
    role_request = (
        AdminRoleRequest.objects.select_related(
            "role", "user", "user__role", "user__org", "new_org", "proposed_by", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if role_request is None:
        raise Http404("申请不存在")
    return role_request
