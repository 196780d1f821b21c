from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from accounts.access import can_read_audit
        from workbench import nav

        nav.register(nav.NavItem("审计日志", "audit:list", order=95, visible=can_read_audit))
