"""Administration → Manage users; included at ``administration/users/`` (app "users")."""

from django.urls import path

from openimi.accounts.users import views

app_name = "users"

urlpatterns = [
    path("", views.UserListView.as_view(), name="list"),
    path("add/", views.UserCreateView.as_view(), name="add"),
    path("<int:pk>/", views.UserDetailsView.as_view(), name="details"),
    path("<int:pk>/change/", views.UserChangeView.as_view(), name="change"),
    path("<int:pk>/reset-password/", views.UserResetPasswordView.as_view(), name="reset_password"),
    path("<int:pk>/unlock/", views.UserUnlockView.as_view(), name="unlock"),
    path(
        "<int:pk>/reset-security-code/",
        views.UserResetSecurityCodeView.as_view(),
        name="reset_security_code",
    ),
    path("<int:pk>/delete/", views.UserDeleteView.as_view(), name="delete"),
]
