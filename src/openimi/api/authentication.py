"""``Authorization: Bearer oimi_…``: API tokens as a DRF authentication class."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

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
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
