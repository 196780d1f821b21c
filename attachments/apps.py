from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "附件"

    def ready(self) -> None:
        from attachments import access
        from workbench import nav

        nav.register(nav.NavItem("我的附件", "attachments:mine", order=96, visible=access.can_upload))
