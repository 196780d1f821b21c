from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from jobs import todos
        from workbench import nav

        nav.register(nav.NavItem("我的任务", "jobs:list", order=97))
        nav.register_todos(todos.job_todos)
