from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from orgs import access
        from workbench import nav

        nav.register(nav.NavItem("组织机构", "orgs:list", order=80, visible=access.can_view_orgs))
