from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "openimi.common"

    def ready(self) -> None:
        from django.db.models import fields

        from openimi.common import checks, content_receivers  # noqa: F401 - checks register

        content_receivers.connect()
        # The empty option of a select (a country the user may leave out, …). Django 6.1's
        # own "- Select an option -" has no Dutch translation in Django's catalogue; ours has.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")
