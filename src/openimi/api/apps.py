from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "openimi.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from openimi.alerts import events as alert_events
        from openimi.api import schema  # noqa: F401 - registers the token scheme in OpenAPI
        from openimi.api.webhooks import on_alert_published, on_published
        from openimi.exchange import events

        # The webhooks subscribe to the request and alert events; the domain does not call them.
        events.published.connect(on_published, dispatch_uid="api.webhooks")
        alert_events.published.connect(on_alert_published, dispatch_uid="api.webhooks.alerts")
