"""The absolute session lifetime, and the hint that lets the login page say why.

The idle timeout is Django's own (``SESSION_COOKIE_AGE`` renewed on every request). This
middleware ends a session ``SESSION_ABSOLUTE_SECONDS`` after its login, however busy: the time
of the login is in the session (written by the ``user_logged_in`` receiver). A session without
it predates this rule and ends too. It runs before any view, so ``LoginRequiredMiddleware``
then sends the person to the login page, which brings them back afterwards.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.accounts.login_state import LOGIN_AT_KEY
from openimi.accounts.models import SecurityEvent
from openimi.accounts.security_log import security_event_record


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._expired(request):
            security_event_record(
                event=SecurityEvent.Code.SESSION_EXPIRED, request=request, user=user
            )
            logout(request)
            # Not every request has messages (an API call): then no message.
            messages.info(
                request, _("Your session has ended. Please log in again."), fail_silently=True
            )
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> bool:
        login_at = request.session.get(LOGIN_AT_KEY)
        if not isinstance(login_at, int | float):
            return True
        age = timezone.now().timestamp() - login_at
        return age > settings.SESSION_ABSOLUTE_SECONDS


# A browser-session cookie saying only "this browser had a session": the session cookie itself
# is gone after the idle timeout, so without it the login page could not tell a person who
# was logged out for doing nothing from one who comes for the first time.
LOGGED_IN_HINT_COOKIE = "openimi_had_session"


def logged_out_on_purpose(request) -> None:
    """Called on every logout (``user_logged_out``): the hint goes with the session."""
    request.openimi_logged_out = True


class LoggedInHintMiddleware:
    """Sets the hint while a user is logged in; removes it when they log out (or the absolute
    lifetime ends the session, which says why itself). The login page reads and removes it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "openimi_logged_out", False):
            response.delete_cookie(LOGGED_IN_HINT_COOKIE, samesite="Lax")
        elif (
            getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and request.COOKIES.get(LOGGED_IN_HINT_COOKIE) != "1"
        ):
            response.set_cookie(
                LOGGED_IN_HINT_COOKIE,
                "1",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
