"""Reads of the accounts app."""

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from openimi.accounts.models import AuthenticatorDevice, RecoveryCode, SecurityEvent, User


def security_event_list(*, user: User, limit: int = 10) -> QuerySet[SecurityEvent]:
    """The user's own latest security events (shown on My account: spot what was not you)."""
    return SecurityEvent.objects.filter(user=user).order_by("-created_at", "-pk")[:limit]


def locked_usernames() -> QuerySet:
    """The user names locked now for at least one address, as a subquery of ``username``
    values: the rules of ``accounts.login_limits`` within the last ``LOGIN_COOLOFF``, that
    is ``LOGIN_FAILURE_LIMIT`` failures from one address, or ``LOGIN_ACCOUNT_FAILURE_LIMIT``
    from all addresses together."""
    from axes.models import AccessAttempt

    recent = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.LOGIN_COOLOFF
    ).order_by()
    from_one_address = (
        recent.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.LOGIN_FAILURE_LIMIT)
        .values("username")
    )
    from_all = (
        recent.values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.LOGIN_ACCOUNT_FAILURE_LIMIT)
        .values("username")
    )
    return (
        AccessAttempt.objects.filter(Q(username__in=from_one_address) | Q(username__in=from_all))
        .order_by()
        .values("username")
        .distinct()
    )


def authenticator_list(*, user: User) -> list[AuthenticatorDevice]:
    """The user's confirmed authenticator apps, oldest first."""
    return list(AuthenticatorDevice.objects.filter(user=user, confirmed_at__isnull=False))


def authenticator_get(*, user: User, pk: int) -> AuthenticatorDevice | None:
    return AuthenticatorDevice.objects.filter(user=user, pk=pk, confirmed_at__isnull=False).first()


def recovery_code_list(*, user: User) -> QuerySet[RecoveryCode]:
    """The user's recovery codes (hashed), used or not."""
    return RecoveryCode.objects.filter(user=user)


def authenticator_unconfirmed_get(*, user: User, pk: int) -> AuthenticatorDevice | None:
    """An app of ``user`` whose registration is not finished (however old)."""
    return AuthenticatorDevice.objects.filter(user=user, pk=pk, confirmed_at__isnull=True).first()
