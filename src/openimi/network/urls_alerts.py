"""Registering the alert coordinators (issue 22), under /network/alert-coordinators/."""

from django.urls import path

from openimi.network.views import alert_coordinators as views

urlpatterns = [
    path("", views.AlertCoordinatorListView.as_view(), name="alert_coordinators"),
    path(
        "<str:country_code>/<slug:area>/",
        views.AlertCoordinatorSetView.as_view(),
        name="alert_coordinator_set",
    ),
    path(
        "<str:country_code>/<slug:area>/remove/",
        views.AlertCoordinatorRemoveView.as_view(),
        name="alert_coordinator_remove",
    ),
]
