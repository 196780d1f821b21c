from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "problems"
    verbose_name = "问题线索"

    def ready(self) -> None:
        from problems import todos

        todos.register()
        _register_attachments()


def _register_attachments() -> None:
    """Files attached to a step of a problem's history stay as they were handed
    in; the office and the responsible unit may open them."""
    from attachments import access as attachment_access
    from attachments import services as attachment_services

    def in_use(attachment) -> str | None:
        from problems.models import ProblemEvent

        if ProblemEvent.objects.filter(attachments=attachment).exists():
            return "已作为问题办理记录的附件"
        return None

    def grant(user, attachment) -> bool:
        from problems import access
        from problems.models import ProblemEvent

        if not access.is_unit_user(user):
            return False
        problems = ProblemEvent.objects.filter(attachments=attachment).values("problem_id")
        return access.visible_problems(user).filter(pk__in=problems).exists()

    attachment_services.register_in_use(in_use)
    attachment_access.register_grant(grant)
