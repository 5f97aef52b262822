"""Monitoring, mounted at ``/monitoring/``."""

from django.urls import path

from openimi.monitoring import alerts, views

app_name = "monitoring"

urlpatterns = [
    path("", views.MonitoringView.as_view(), name="own"),
    path("coordinator/", views.CoordinatorMonitoringView.as_view(), name="coordinator"),
    path("network/", views.NetworkMonitoringView.as_view(), name="network"),
    path("alerts/", alerts.NetworkAlertsView.as_view(), name="alerts"),
]
