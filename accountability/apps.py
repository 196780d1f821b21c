from typing import Any

from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = "述、评、督、考、责 联动"

    def ready(self) -> None:
        from accountability import figures, metrics, todos
        from attachments import access as attachment_access
        from attachments import services as attachment_services

        metrics.register()
        figures.register()
        todos.register()
        attachment_access.register_grant(_reviewer_reads_evidence)
        attachment_services.register_in_use(_evidence_of_submitted_report)


def _reviewer_reads_evidence(user: Any, attachment: Any) -> bool:
    """A reviewer of a round reads the evidence of the round's submitted reports."""
    from accountability.models import ShufaReport

    return ShufaReport.objects.filter(evidence=attachment, state="submitted", round__reviewers=user).exists()


def _evidence_of_submitted_report(attachment: Any) -> str | None:
    from accountability.models import ShufaReport

    if ShufaReport.objects.filter(evidence=attachment, state="submitted").exists():
        return "该文件是已提交述法报告的佐证材料，不能删除。"
    return None
