from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "openimi.exchange"
    verbose_name = _("Information requests")

    def ready(self) -> None:
        from openimi.exchange import events, notify

        events.published.connect(notify.on_published, dispatch_uid="exchange.notify")
