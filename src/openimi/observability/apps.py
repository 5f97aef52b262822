from django.apps import AppConfig
from django.core.signals import request_finished, request_started


class ObservabilityConfig(AppConfig):
    name = "openimi.observability"
    label = "observability"
    verbose_name = "Health, metrics and logs"

    def ready(self) -> None:
        from openimi.observability import middleware, tasks

        request_started.connect(middleware.bind_request_id, dispatch_uid="openimi.request_id")
        request_finished.connect(middleware.unbind_request_id, dispatch_uid="openimi.request_id")
        tasks.connect()
