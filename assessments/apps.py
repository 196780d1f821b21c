from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "法治建设考评"

    def ready(self) -> None:
        from assessments import results_nav

        results_nav.register()
