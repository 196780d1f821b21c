from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = "项目支出绩效自评"

    def ready(self) -> None:
        from performance import metrics
        from performance.access import can_use_performance
        from performance.todos import todos
        from workbench import nav

        metrics.register_builtin()
        nav.register(
            nav.NavItem("绩效自评", "performance:project_list", order=60, visible=can_use_performance)
        )
        nav.register_todos(todos)
