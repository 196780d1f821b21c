from django.apps import AppConfig


class ProvincialConfig(AppConfig):
    name = "provincial"
    verbose_name = "法治广东建设考评迎检"

    def ready(self) -> None:
        from provincial import metrics, todos

        todos.register()
        metrics.register()
        _register_evidence_in_use()


def _register_evidence_in_use() -> None:
    """Files of a task handed in for review (or accepted) stay as they were handed in."""
    from attachments import services as attachment_services

    def in_use(attachment) -> str | None:
        from provincial.models import Task, TaskStatus

        if Task.objects.filter(
            evidence=attachment, status__in=(TaskStatus.SUBMITTED, TaskStatus.ACCEPTED)
        ).exists():
            return "已作为已提交迎检任务的佐证材料"
        return None

    attachment_services.register_in_use(in_use)
