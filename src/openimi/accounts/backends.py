"""The authentication backend: password (checked at step 1) plus three characters of the
security code (step 2), decided together.

``authenticate(request, username=..., secret_characters=[...])`` reads the step-1 result from
the server-side session (``LoginAttempt``, written only by ``services.login_begin``); there is
no way to log in with a password alone. django-axes' backend runs before this one and
refuses locked names; when this one returns None, Django sends ``user_login_failed`` (with
``secret_characters`` masked, its name matches Django's list of sensitive words), which is
what axes counts: a wrong password and a wrong code are one failure alike.

The reason for a failure is left on ``request.openimi_login_failure`` for the security log;
the person at the keyboard only ever hears the one generic message.
"""

from __future__ import annotations

import logging

from django.contrib.auth.backends import ModelBackend
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_variables

from openimi.accounts.login_state import LoginAttempt
from openimi.accounts.models import User
from openimi.accounts.security_code import SecurityCodeError, security_code_verify

logger = logging.getLogger("openimi.security")

BACKEND_PATH = "openimi.accounts.backends.SecurityCodeBackend"


class SecurityCodeBackend(ModelBackend):
    @method_decorator(sensitive_variables())
    def authenticate(self, request, username=None, secret_characters=None, **kwargs):
        if request is None or username is None or secret_characters is None:
            return None  # not our kind of credentials: no password-only login
        user, reason = self._verify(request, username, list(secret_characters))
        if user is None:
            request.openimi_login_failure = reason
        return user

    @method_decorator(sensitive_variables())
    def _verify(self, request, username: str, characters: list[str]):
        attempt = LoginAttempt.load(request.session)
        if attempt is None or attempt.username != username:
            return None, "no_attempt"
        if attempt.user_id is None:
            return None, "unknown_user"
        user = User.objects.filter(pk=attempt.user_id).first()
        if user is None:
            return None, "unknown_user"
        if attempt.sso_provider:
            # Single sign-on already gave the first factor; the rule asks a second one.
            return None, "sso_needs_second_factor"
        if user.is_service_account:
            # A back-office system works through API tokens only, never a login page.
            return None, "service_account"
        if not attempt.password_ok:
            return None, "password"
        if not self.user_can_authenticate(user) or user.status == User.Status.INACTIVE:
            return None, "inactive"
        if not constant_time_compare(user.get_session_auth_hash(), attempt.auth_hash):
            return None, "password_changed"
        if user.has_security_code:
            try:
                ok = security_code_verify(
                    user=user, positions=attempt.positions, characters=characters
                )
            except SecurityCodeError as error:
                # An operator's problem (a missing key): fail closed, like a wrong code, so
                # that the page does not differ from any other failure.
                logger.critical("security code unusable: %s", error)
                return None, "security_code_unusable"
            return (user, "") if ok else (None, "security_code")
        # First login: no code chosen yet, so the boxes must be left empty.
        if any(characters):
            return None, "security_code"
        return user, ""
