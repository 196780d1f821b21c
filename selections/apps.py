from django.apps import AppConfig


class SelectionsConfig(AppConfig):
    name = "selections"
    verbose_name = "十大法治惠民实事项目评选"

    def ready(self) -> None:
        from selections import metrics, todos

        todos.register()
        metrics.register()
