from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "openimi.observability"
    label = "observability"
    verbose_name = "Health, metrics and logs"

    def ready(self) -> None:
        from openimi.observability import tasks

        tasks.connect()
