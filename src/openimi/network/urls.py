"""Running the network (issue 19), under /network/: each part's pages in its own module."""

from django.urls import include, path

from openimi.network.views.hub import HubView

app_name = "network"

urlpatterns: list = [
    path("", HubView.as_view(), name="home"),
    path("reference/", include("openimi.network.urls_reference")),
    path("authorities/", include("openimi.network.urls_lifecycle")),
    path("registration/", include("openimi.network.urls_registration")),
    path("help/", include("openimi.onboarding.network_help_urls")),
    path("alert-coordinators/", include("openimi.network.urls_alerts")),
]
