from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openimi.reports"
    label = "reports"
    verbose_name = "Reports"
