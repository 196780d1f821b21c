from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = "依法治市咨询专家库"

    def ready(self) -> None:
        from experts import metrics, todos

        todos.register()
        metrics.register()
