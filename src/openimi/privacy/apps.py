from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "openimi.privacy"
    verbose_name = _("Privacy: access log and data-subject requests")

    def ready(self) -> None:
        from openimi.privacy import notify

        notify.register()
