from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from accounts import access, todos
        from workbench import nav

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
