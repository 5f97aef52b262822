from django.contrib.auth.decorators import login_not_required
from django.urls import path

from openimi.accounts import views
from openimi.accounts.passkeys import views as passkey_views
from openimi.accounts.sso import views as sso_views

app_name = "accounts"

urlpatterns = [
    # The login flow: open to everyone.
    path("login/", login_not_required(views.LoginView.as_view()), name="login"),
    path("login/code/", login_not_required(views.LoginCodeView.as_view()), name="login_code"),
    path(
        "login/new-password/",
        login_not_required(views.SetupPasswordView.as_view()),
        name="setup_password",
    ),
    path(
        "login/security-code/",
        login_not_required(views.SetupSecurityCodeView.as_view()),
        name="setup_security_code",
    ),
    # Step 2 by a second factor (second_factors.py).
    path(
        "login/authenticator/",
        login_not_required(views.LoginAuthenticatorView.as_view()),
        name="login_authenticator",
    ),
    path(
        "login/recovery-code/",
        login_not_required(views.LoginRecoveryCodeView.as_view()),
        name="login_recovery_code",
    ),
    path(
        "login/authenticator-app/",
        login_not_required(views.SetupSecondFactorView.as_view()),
        name="setup_second_factor",
    ),
    path(
        "login/passkey/",
        login_not_required(passkey_views.PasskeyLoginView.as_view()),
        name="login_passkey",
    ),
    # Single sign-on (OpenID Connect): out to the provider and back.
    path(
        "login/sso/<slug:provider_id>/",
        login_not_required(sso_views.SsoStartView.as_view()),
        name="sso_start",
    ),
    path(
        "login/sso/<slug:provider_id>/callback/",
        login_not_required(sso_views.SsoCallbackView.as_view()),
        name="sso_callback",
    ),
    path("logout/", sso_views.LogoutView.as_view(), name="logout"),
    # My account.
    path("me/", views.AccountView.as_view(), name="account"),
    path("me/session/", views.SessionKeepAliveView.as_view(), name="session_keepalive"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/security-code/", views.SecurityCodeChangeView.as_view(), name="security_code_change"),
    path("me/details/", views.PreferencesView.as_view(), name="preferences"),
    path("me/passkeys/add/", passkey_views.PasskeyAddView.as_view(), name="passkey_add"),
    path(
        "me/passkeys/<int:pk>/remove/",
        passkey_views.PasskeyRemoveView.as_view(),
        name="passkey_remove",
    ),
    path("me/login-methods/", views.LoginMethodsView.as_view(), name="login_methods"),
    path(
        "me/login-methods/authenticator/add/",
        views.AuthenticatorAddView.as_view(),
        name="authenticator_add",
    ),
    path(
        "me/login-methods/authenticator/<int:pk>/confirm/",
        views.AuthenticatorConfirmView.as_view(),
        name="authenticator_confirm",
    ),
    path(
        "me/login-methods/authenticator/<int:pk>/remove/",
        views.AuthenticatorRemoveView.as_view(),
        name="authenticator_remove",
    ),
    path(
        "me/login-methods/recovery-codes/",
        views.RecoveryCodesCreateView.as_view(),
        name="recovery_codes_create",
    ),
]
