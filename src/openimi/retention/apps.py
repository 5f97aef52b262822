from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "openimi.retention"
    verbose_name = _("Personal-data retention")
