"""System checks for the login flow's assumptions."""

from django.conf import settings
from django.core.checks import Error, register


@register("security")
def session_engine_is_server_side(app_configs, **kwargs):
    """Step 1 keeps "was the password right?" in the session until step 2: it must not travel
    to the browser, where a signed (not encrypted) cookie session would show it."""
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.signed_cookies":
        return [
            Error(
                "openimi's login needs a server-side session engine.",
                hint="Use the database, cache or cached_db session engine.",
                id="openimi.accounts.E001",
            )
        ]
    return []


@register("security")
def oidc_providers_are_valid(app_configs, **kwargs):
    """OIDC_PROVIDERS is read at start-up, so that a mistake stops the start, not a login."""
    from django.core.exceptions import ImproperlyConfigured

    from openimi.accounts.sso.providers import providers

    try:
        providers()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="openimi.accounts.E002")]
    return []
