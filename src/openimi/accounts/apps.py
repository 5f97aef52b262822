from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "openimi.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from openimi.accounts import checks, signals  # noqa: F401 - checks register themselves

        signals.connect()
