from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "openimi.demo"
    verbose_name = "Demo data"
