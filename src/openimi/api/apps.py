from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "openimi.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from openimi.api import schema  # noqa: F401 - registers the token scheme in OpenAPI
