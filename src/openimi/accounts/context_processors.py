"""What every page needs to warn before the idle timeout ends the session."""

from django.conf import settings


def session_timeout(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    timeout = settings.SESSION_COOKIE_AGE
    warning = min(settings.SESSION_TIMEOUT_WARNING_SECONDS, timeout // 2)
    return {
        "session_timeout_seconds": timeout,
        "session_warning_seconds": warning,
        "session_warning_minutes": max(1, round(warning / 60)),
    }
