"""``Authorization: Bearer oimi_…``: API tokens as a DRF authentication class; and the browser
session (the API reference's "Try it out"), whose CSRF failure answers 403 saying so."""

from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, status

from openimi.accounts.security_log import client_ip
from openimi.api import tokens


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _sep, raw = header.partition(" ")
        if keyword != self.keyword:
            return None
        token = tokens.token_authenticate(
            raw=raw.strip(),
            method=request.method,
            path=request.path,
            ip=client_ip(request._request),
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is invalid, expired or revoked."))
        _speak_the_language_of(token.user, request)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


def _speak_the_language_of(user, request) -> None:
    """A caller that names a language (Accept-Language, which LocaleMiddleware followed)
    reads the API's messages in it; a token's caller that names none (a back-office program
    rarely sends the header) reads them in the token's user's language instead of the
    installation's default. A language the installation does not offer is left alone."""
    if request.META.get("HTTP_ACCEPT_LANGUAGE"):
        return
    try:
        language = translation.get_supported_language_variant(user.language)
    except LookupError:
        return
    translation.activate(language)
    request._request.LANGUAGE_CODE = language


class CsrfFailed(exceptions.APIException):
    """A logged-in browser called the API without the CSRF token. Not a refusal of the policy
    (those answer 404): the caller is who they say and must be told what is missing."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "csrf_failed"


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as refused:
            reason = str(refused.detail).removeprefix("CSRF Failed: ").rstrip(".")
            raise CsrfFailed(
                _(
                    "CSRF check failed (%(reason)s). Reload the page and try again; a program "
                    "sends the X-CSRFToken header, or uses an API token instead."
                )
                % {"reason": reason}
            ) from refused
