"""Running the network (issue 19), under /network/: each part's pages in its own module."""

from django.urls import include, path

app_name = "network"

urlpatterns: list = [
    path("help/", include("openimi.onboarding.network_help_urls")),
]
