"""Reads of the accounts app."""

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

from openimi.accounts.models import SecurityEvent, User


def security_event_list(*, user: User, limit: int = 10) -> QuerySet[SecurityEvent]:
    """The user's own latest security events (shown on My account: spot what was not you)."""
    return SecurityEvent.objects.filter(user=user).order_by("-created_at", "-pk")[:limit]


def locked_usernames() -> QuerySet:
    """The user names django-axes refuses now (as a subquery): ``LOGIN_FAILURE_LIMIT``
    failures within the last ``LOGIN_COOLOFF``, counted as axes counts them (by user name,
    summed over addresses and browsers)."""
    from axes.models import AccessAttempt

    return (
        AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.LOGIN_COOLOFF)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.LOGIN_FAILURE_LIMIT)
        .values("username")
    )
