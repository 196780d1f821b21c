from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from accounts import access, roles
from accounts.models import AdminRoleRequest, SecurityPolicy, User
from workbench.nav import Todo


def admin_todos(user: User) -> Iterator[Todo]:
    if access.can_manage_users(user):
        without_password = (
            User.objects.filter(is_active=True, password__startswith="!")  # noqa: S106 - unusable-password marker
            .exclude(role_id__in=roles.ADMIN_ROLES)
            .count()
        )
        if without_password:
            yield Todo(
                f"{without_password} 个启用的账号尚未设置密码", reverse("accounts:user_list"), "用户管理"
            )
    if access.can_edit_security_policy(user):
        from axes.models import AccessAttempt

        pending = (
            AdminRoleRequest.objects.filter(status=AdminRoleRequest.Status.PENDING)
            .exclude(proposed_by=user)
            .exclude(user=user)
            .count()
        )
        if pending:
            yield Todo(
                f"{pending} 个三员授权申请待审批",
                reverse("accounts:admin_role_list"),
                "三员授权",
                urgent=True,
            )
        admins_without_password = (
            User.objects.filter(is_active=True, role_id__in=roles.ADMIN_ROLES, password__startswith="!")  # noqa: S106 - unusable-password marker
            .exclude(pk=user.pk)
            .count()
        )
        if admins_without_password:
            yield Todo(
                f"{admins_without_password} 个三员账号尚未设置密码", reverse("accounts:user_list"), "用户管理"
            )
        policy = SecurityPolicy.current()
        locked = AccessAttempt.objects.filter(failures_since_start__gte=policy.failure_limit).count()
        if locked:
            yield Todo(
                f"{locked} 个账号因登录失败被锁定",
                reverse("accounts:security_policy"),
                "安全策略",
                urgent=True,
            )
        if policy.require_totp_for_admins is False:
            yield Todo(
                "三员账号尚未强制双因素认证，可在安全策略中开启",
                reverse("accounts:security_policy"),
                "安全策略",
            )
    if access.can_read_audit(user):
        yield Todo("定期校验审计日志哈希链的完整性", reverse("audit:verify"), "审计日志")
