from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "openimi.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from openimi.api import schema  # noqa: F401 - registers the token scheme in OpenAPI
        from openimi.api.webhooks import on_published
        from openimi.exchange import events

        # The webhooks subscribe to the request events; the domain does not call them.
        events.published.connect(on_published, dispatch_uid="api.webhooks")
