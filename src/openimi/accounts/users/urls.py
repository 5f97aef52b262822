"""Administration → Manage users; included at ``administration/users/`` (app "users")."""

from django.urls import path

from openimi.accounts.sso import views as sso_views
from openimi.accounts.users import token_views, views

app_name = "users"

urlpatterns = [
    path("", views.UserListView.as_view(), name="list"),
    path("add/", views.UserCreateView.as_view(), name="add"),
    path(
        "add-service-account/",
        views.ServiceAccountCreateView.as_view(),
        name="add_service_account",
    ),
    path("<int:pk>/", views.UserDetailsView.as_view(), name="details"),
    path("<int:pk>/change/", views.UserChangeView.as_view(), name="change"),
    path("<int:pk>/reset-password/", views.UserResetPasswordView.as_view(), name="reset_password"),
    path("<int:pk>/unlock/", views.UserUnlockView.as_view(), name="unlock"),
    path(
        "<int:pk>/reset-security-code/",
        views.UserResetSecurityCodeView.as_view(),
        name="reset_security_code",
    ),
    path(
        "<int:pk>/reset-login-methods/",
        views.UserResetSecondFactorsView.as_view(),
        name="reset_second_factors",
    ),
    path("<int:pk>/sso/link/", sso_views.SsoLinkCreateView.as_view(), name="sso_link"),
    path(
        "<int:pk>/sso/<int:link_pk>/unlink/",
        sso_views.SsoUnlinkView.as_view(),
        name="sso_unlink",
    ),
    path("<int:pk>/delete/", views.UserDeleteView.as_view(), name="delete"),
    path("<int:pk>/hand-over/", views.UserHandOverView.as_view(), name="hand_over"),
    path("<int:pk>/tokens/add/", token_views.TokenCreateView.as_view(), name="token_add"),
    path(
        "<int:pk>/tokens/<int:token_pk>/revoke/",
        token_views.TokenRevokeView.as_view(),
        name="token_revoke",
    ),
]
