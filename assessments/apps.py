from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "法治建设考评"

    def ready(self) -> None:
        """The app's wiring into the platform, all in one place: navigation,
        to-dos, who may open which attachments, which attachments may not be
        deleted, and the live metrics of the performance self-evaluation."""
        from assessments import access, metrics, todos
        from attachments import access as attachment_access
        from attachments import services as attachment_services
        from workbench import nav

        nav.register(
            nav.NavItem("考评办法", "assessments:framework_list", order=20, visible=access.can_manage)
        )
        nav.register(
            nav.NavItem("年度考评", "assessments:campaign_list", order=21, visible=access.can_use_assessments)
        )
        # one item for results: appeals, 整改 and year over year are reached from
        # the results pages and from the to-do list (the bar is shared by every module)
        nav.register(
            nav.NavItem("考评结果", "assessments:results_index", order=22, visible=access.can_use_assessments)
        )
        nav.register(
            nav.NavItem("经办与审核", "assessments:duty_list", order=23, visible=access.can_assign_duties)
        )
        nav.register_todos(todos.assessment_todos)
        nav.register_todos(todos.results_todos)
        attachment_access.register_grant(access.may_open_self_assessment_evidence)
        attachment_access.register_grant(access.may_open_appeal_evidence)
        attachment_access.register_grant(access.may_open_bonus_claim_evidence)
        attachment_services.register_in_use(access.evidence_in_use)
        metrics.register()
