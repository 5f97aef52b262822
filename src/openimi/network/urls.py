"""Running the network (issue 19), under /network/: each part's pages in its own module."""

app_name = "network"

urlpatterns: list = []
