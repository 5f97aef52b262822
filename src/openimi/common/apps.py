from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "openimi.common"

    def ready(self) -> None:
        from openimi.common import content_receivers

        content_receivers.connect()
