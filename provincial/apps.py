from django.apps import AppConfig


class ProvincialConfig(AppConfig):
    name = "provincial"
    verbose_name = "法治广东建设考评迎检"

    def ready(self) -> None:
        from provincial import metrics, todos

        todos.register()
        metrics.register()
