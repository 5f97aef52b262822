"""The alert pages (issue 22), under /alerts/."""

from django.urls import path  # noqa: F401 - the pages add their paths here

app_name = "alerts"

urlpatterns: list = []
