from django.apps import AppConfig


class SelectionsConfig(AppConfig):
    name = "selections"
    verbose_name = "十大法治惠民实事项目评选"

    def ready(self) -> None:
        from experts import services as expert_services
        from selections import metrics, panel, todos

        todos.register()
        metrics.register()
        if panel.follow_declines not in expert_services.panel_listeners:
            expert_services.panel_listeners.append(panel.follow_declines)
