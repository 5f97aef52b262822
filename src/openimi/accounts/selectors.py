"""Reads of the accounts app."""

from django.db.models import QuerySet

from openimi.accounts.models import SecurityEvent, User


def security_event_list(*, user: User, limit: int = 10) -> QuerySet[SecurityEvent]:
    """The user's own latest security events (shown on My account: spot what was not you)."""
    return SecurityEvent.objects.filter(user=user).order_by("-created_at", "-pk")[:limit]
