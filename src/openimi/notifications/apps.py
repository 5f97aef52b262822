from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "openimi.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from openimi.notifications.health import register_readiness_check

        register_readiness_check()  # /health/ready/ fails while no worker is alive
