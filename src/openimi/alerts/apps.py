from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "openimi.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from openimi.alerts import events, notify

        events.published.connect(notify.on_published, dispatch_uid="alerts.notify")
