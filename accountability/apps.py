from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = "述、评、督、考、责 联动"

    def ready(self) -> None:
        from accountability import metrics

        metrics.register()
