from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "workbench"
    verbose_name = "工作台"

    def ready(self) -> None:
        from workbench import cockpit, nav

        nav.register(nav.NavItem("工作台", "workbench:home", order=0))
        cockpit.autodiscover()
