"""Running the network (issue 19), under /network/: each part's pages in its own module."""

from django.urls import include, path

app_name = "network"

urlpatterns: list = [
    path("registration/", include("openimi.network.urls_registration")),
]
