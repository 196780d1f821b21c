from typing import Any

from django.apps import AppConfig


def _revoke_tokens_of_locked_account(sender: Any, *, username: str | None = None, **kwargs: Any) -> None:
    # django-axes reports a lock-out only through this signal; the service audits it.
    from accounts.services import tokens_revoke_on_lockout

    tokens_revoke_on_lockout(username=username)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from accounts import access, middleware, todos
        from workbench import nav

        user_locked_out.connect(_revoke_tokens_of_locked_account, dispatch_uid="accounts.lockout_tokens")
        user_logged_in.connect(middleware.session_started, dispatch_uid="accounts.session_started")

        nav.register(
            nav.NavItem(
                "用户管理",
                "accounts:user_list",
                order=90,
                visible=access.can_see_users,
            )
        )
        nav.register(
            nav.NavItem(
                "三员授权", "accounts:admin_role_list", order=92, visible=access.can_see_admin_role_requests
            )
        )
        nav.register(
            nav.NavItem(
                "安全策略", "accounts:security_policy", order=91, visible=access.can_edit_security_policy
            )
        )
        nav.register_todos(todos.admin_todos)
