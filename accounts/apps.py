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
                visible=lambda u: access.can_manage_users(u) or u.has_role("secadmin"),
            )
        )
        nav.register(
            nav.NavItem(
                "安全策略", "accounts:security_policy", order=91, visible=access.can_edit_security_policy
            )
        )
        nav.register_todos(todos.admin_todos)
