"""Registration (issue 19): /network/registration/…"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from openimi.network.views import registration as views

app_name = "registration"

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("requests/", views.JoinRequestListView.as_view(), name="request_list"),
    path("requests/<int:pk>/", views.JoinRequestDetailView.as_view(), name="request_detail"),
    path(
        "requests/<int:pk>/validate/",
        views.JoinRequestValidateView.as_view(),
        name="request_validate",
    ),
    path(
        "requests/<int:pk>/decline/",
        views.JoinRequestDeclineView.as_view(),
        name="request_decline",
    ),
    path("join/", login_not_required(views.JoinView.as_view()), name="join"),
    path("join/sent/", login_not_required(views.JoinSentView.as_view()), name="join_sent"),
]
