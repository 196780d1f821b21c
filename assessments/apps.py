from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "法治建设考评"

    def ready(self) -> None:
        from assessments import access, metrics, results_nav, todos
        from workbench import nav

        nav.register(
            nav.NavItem("考评办法", "assessments:framework_list", order=20, visible=access.can_manage)
        )
        nav.register(
            nav.NavItem("年度考评", "assessments:campaign_list", order=21, visible=access.can_use_assessments)
        )
        nav.register(
            nav.NavItem("经办与审核", "assessments:duty_list", order=23, visible=access.can_assign_duties)
        )
        nav.register_todos(todos.assessment_todos)
        _register_evidence_grant()
        _register_evidence_in_use()
        results_nav.register()
        metrics.register()


def _register_evidence_grant() -> None:
    """An assessing unit may open the evidence of submitted self-assessments of
    the indicators it scores (the evidence it looks at)."""
    from assessments import access
    from attachments import access as attachment_access

    def grant(user, attachment) -> bool:  # noqa: ANN001
        if not access.is_assessor(user):
            return False
        from assessments.models import SelfAssessment

        return SelfAssessment.objects.filter(
            evidence=attachment, status="submitted", indicator__assessors=user.org_id
        ).exists()

    attachment_access.register_grant(grant)


def _register_evidence_in_use() -> None:
    """Evidence of a submitted self-assessment and appeal files stay as they were handed in."""
    from attachments import services as attachment_services

    def in_use(attachment) -> str | None:  # noqa: ANN001
        from assessments.models import Appeal, SelfAssessment, SelfAssessmentStatus

        if SelfAssessment.objects.filter(evidence=attachment, status=SelfAssessmentStatus.SUBMITTED).exists():
            return "已作为已提交自评的佐证材料"
        if Appeal.objects.filter(evidence=attachment).exists():
            return "已作为申诉材料提交"
        return None

    attachment_services.register_in_use(in_use)
