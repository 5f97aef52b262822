"""Reads of the outbox for pages, each starting from the policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from openimi.access import policy
from openimi.access.policy import Action
from openimi.notifications.models import NotificationPreference, OutboxMessage, WorkerHeartbeat

if TYPE_CHECKING:
    from openimi.accounts.models import User


def failed_outbox_list(*, user: User) -> QuerySet[OutboxMessage]:
    """The e-mails of the user's authority that could not be delivered, newest first."""
    authority = user.authority if user.is_authenticated else None
    if not policy.can(user, Action.OUTBOX_VIEW_FAILED, authority):
        return OutboxMessage.objects.none()
    return (
        OutboxMessage.objects.filter(authority=authority, status=OutboxMessage.Status.FAILED)
        .only(
            "pk",
            "recipient_email",
            "subject",
            "event_code",
            "attempts",
            "last_error",
            "updated_at",
            "created_at",
            "authority_id",
        )
        .order_by("-updated_at", "-pk")
    )


def failed_outbox_get(*, user: User, pk: int) -> OutboxMessage | None:
    """One failed e-mail the user may resend, or ``None`` (missing and not yours alike)."""
    message = OutboxMessage.objects.filter(pk=pk).select_related("authority").first()
    if message is None or not policy.can(user, Action.OUTBOX_RESEND, message):
        return None
    return message


def email_frequency_get(user: User) -> str:
    """``NotificationPreference.Frequency`` the user chose (immediately when never chosen)."""
    chosen = (
        NotificationPreference.objects.filter(user_id=user.pk)
        .values_list("email_frequency", flat=True)
        .first()
    )
    return chosen or NotificationPreference.Frequency.IMMEDIATE


def worker_list(*, alive: bool | None = None) -> QuerySet[WorkerHeartbeat]:
    """The workers that have a heartbeat row: all, only the alive (heard of within
    ``WORKER_HEARTBEAT_DEAD_AFTER``) or only the dead. Operators' data (``openimi workers``, the
    readiness check): no policy, no user."""
    workers = WorkerHeartbeat.objects.all()
    if alive is None:
        return workers
    cutoff = timezone.now() - settings.WORKER_HEARTBEAT_DEAD_AFTER
    return workers.filter(last_seen__gte=cutoff) if alive else workers.filter(last_seen__lt=cutoff)


def worker_counts() -> dict[str, Any]:
    """In one query: how many workers are alive and dead, and the newest heartbeat
    (``last_seen``; None without any row)."""
    cutoff = timezone.now() - settings.WORKER_HEARTBEAT_DEAD_AFTER
    return WorkerHeartbeat.objects.aggregate(
        alive=Count("pk", filter=Q(last_seen__gte=cutoff)),
        dead=Count("pk", filter=Q(last_seen__lt=cutoff)),
        newest=Max("last_seen"),
    )
