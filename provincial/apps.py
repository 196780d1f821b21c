from django.apps import AppConfig


class ProvincialConfig(AppConfig):
    name = "provincial"
