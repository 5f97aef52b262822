"""Writes to the outbox. Call these inside the transaction of the change that causes the mail.

The row and its delivery task are stored in the same database and the same transaction
(django-tasks-db keeps tasks in a table): if the caller's transaction rolls back, neither the
message nor its task exists, and if it commits, both do. Never send mail directly.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from itertools import batched
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from openimi.common.errors import ApplicationError
from openimi.notifications import selectors
from openimi.notifications.models import NotificationPreference, OutboxMessage
from openimi.notifications.tasks import enqueue_deliveries, enqueue_delivery

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority

TEMPLATE_DIR = "notifications/email"
# Rows per INSERT and keys per IN list when many e-mails are written at once.
BULK_BATCH_SIZE = 500


@sensitive_variables("context", "body")  # a temporary password may be among them
def outbox_enqueue_rendered(
    *,
    key: str,
    recipient: "User",
    template: str,
    context: Mapping[str, Any],
    event_code: str,
    authority: "Authority | None",
    send_after: datetime | None = None,
) -> OutboxMessage:
    """An account e-mail to one user: ``<template>.subject.txt`` and ``.body.txt`` rendered in
    the recipient's language, then written to the outbox (``outbox_enqueue``)."""
    with translation.override(recipient.language):
        subject = render_to_string(f"{template}.subject.txt", context)
        body = render_to_string(f"{template}.body.txt", context)
    return outbox_enqueue(
        key=key,
        recipient_email=recipient.email,
        subject=subject,
        body_text=body.strip() + "\n",
        language=recipient.language,
        event_code=event_code,
        recipient_user=recipient,
        authority=authority,
        send_after=send_after,
    )


def outbox_enqueue(
    *,
    key: str,
    recipient_email: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    language: str = "en",
    event_code: str = "",
    recipient_user: "User | None" = None,
    authority: "Authority | None" = None,
    cc: Iterable[str] = (),
    send_after: datetime | None = None,
    link: str = "",
    digestible: bool = False,
) -> OutboxMessage:
    """Write one e-mail to the outbox and queue its delivery, in the caller's transaction.

    Idempotent on ``key`` (e.g. ``"<event id>:<recipient>"``): a second call with the same key
    returns the existing row and queues nothing. ``send_after`` (an aware datetime) delays the
    first attempt, e.g. for the temporary password sent 24 hours after the user name.
    ``authority`` is the authority whose local data administrators answer for the delivery.
    ``link`` is the page the e-mail is about. ``digestible`` marks news that may wait for the
    recipient's daily digest: if ``recipient_user`` chose one, the row is written HELD and no
    delivery is queued (``digest_send`` sends it). Reminders, escalations and account e-mails
    never pass it: they always go immediately.
    """
    if not key or not recipient_email:
        raise ValueError("An outbox message needs a key and a recipient e-mail address.")
    if send_after is not None and timezone.is_naive(send_after):
        raise ValueError("send_after must be an aware datetime.")
    # Subjects are one header line: newlines from a template would make Django refuse the mail.
    subject = " ".join(subject.split())
    held = (
        digestible
        and recipient_user is not None
        and selectors.email_frequency_get(recipient_user)
        == NotificationPreference.Frequency.DAILY_DIGEST
    )
    # Works alone too; inside a caller's atomic block this is only a savepoint.
    with transaction.atomic():
        message, created = OutboxMessage.objects.get_or_create(
            key=key,
            defaults={
                "recipient_email": recipient_email,
                "subject": subject,
                "body_text": body_text,
                "body_html": body_html,
                "language": language,
                "event_code": event_code,
                "recipient_user": recipient_user,
                "authority": authority,
                "cc": list(cc),
                "next_attempt_at": send_after or timezone.now(),
                "link": link,
                "status": OutboxMessage.Status.HELD if held else OutboxMessage.Status.PENDING,
            },
        )
        if created and not held:
            enqueue_delivery(message.pk, run_after=send_after)
    return message


def outbox_enqueue_many(
    *, messages: Sequence[OutboxMessage], digestible: bool = False
) -> list[OutboxMessage]:
    """Write many e-mails to the outbox and queue their delivery, in the caller's transaction,
    with a number of queries that does not grow with the number of e-mails (up to
    ``BULK_BATCH_SIZE`` rows per query).

    ``messages`` are unsaved rows with at least ``key``, ``recipient_email``, ``subject`` and
    ``body_text`` (and ``language``, ``event_code``, ``recipient_user``, ``authority``,
    ``link``, ``cc``, ``body_html`` as ``outbox_enqueue`` takes them). The rules are those of
    ``outbox_enqueue``: a key that exists already is left alone and queues nothing, and with
    ``digestible`` the rows of recipients who chose the daily digest are written HELD without
    a delivery. Returns the rows this call wrote, with their ids.
    """
    by_key: dict[str, OutboxMessage] = {}
    for message in messages:
        if not message.key or not message.recipient_email:
            raise ValueError("An outbox message needs a key and a recipient e-mail address.")
        by_key.setdefault(message.key, message)
    if not by_key:
        return []
    digest_users = _digest_user_ids(
        {message.recipient_user_id for message in by_key.values()} if digestible else set()
    )
    now = timezone.now()
    with transaction.atomic():
        existing = _ids_by_key(by_key)
        new = [message for key, message in by_key.items() if key not in existing]
        for message in new:
            message.subject = " ".join(message.subject.split())
            message.next_attempt_at = now
            message.status = (
                OutboxMessage.Status.HELD
                if message.recipient_user_id in digest_users
                else OutboxMessage.Status.PENDING
            )
        # A key written meanwhile by another transaction is skipped here, not an error.
        OutboxMessage.objects.bulk_create(new, batch_size=BULK_BATCH_SIZE, ignore_conflicts=True)
        # bulk_create with ignore_conflicts cannot return ids: read them back by key. A row
        # that another transaction won the race for is read too and queued once more; that
        # is harmless, delivery is idempotent.
        ids = _ids_by_key({message.key: message for message in new})
        written = []
        for message in new:
            if message.key in ids:
                message.pk = ids[message.key]
                message._state.adding = False
                message._state.db = OutboxMessage.objects.db
                written.append(message)
        enqueue_deliveries(
            [message.pk for message in written if message.status == OutboxMessage.Status.PENDING]
        )
    return written


def _digest_user_ids(user_ids: set[int | None]) -> set[int]:
    """Of ``user_ids``, those who chose the daily digest: one query, none for no users."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return set()
    return set(
        NotificationPreference.objects.filter(
            user_id__in=ids, email_frequency=NotificationPreference.Frequency.DAILY_DIGEST
        ).values_list("user_id", flat=True)
    )


def _ids_by_key(messages: Mapping[str, OutboxMessage]) -> dict[str, int]:
    """key -> id of the outbox rows that exist for these keys."""
    found: dict[str, int] = {}
    for keys in batched(messages, BULK_BATCH_SIZE):
        found.update(OutboxMessage.objects.filter(key__in=keys).values_list("key", "pk"))
    return found


def outbox_render_and_enqueue(
    *,
    key: str,
    template: str,
    context: Mapping[str, Any],
    recipient_email: str,
    language: str,
    **options: Any,
) -> OutboxMessage:
    """Render ``notifications/email/<template>.subject.txt`` and ``.body.txt`` in ``language``
    and write the result to the outbox (see ``outbox_enqueue`` for ``options``).

    Rendering happens now, in the caller's transaction, so the mail says what was true when
    the event happened, not when a worker gets round to it.
    """
    with translation.override(language):
        subject = render_to_string(f"{TEMPLATE_DIR}/{template}.subject.txt", dict(context))
        body_text = render_to_string(f"{TEMPLATE_DIR}/{template}.body.txt", dict(context))
    return outbox_enqueue(
        key=key,
        recipient_email=recipient_email,
        subject=subject,
        body_text=body_text.strip() + "\n",
        language=language,
        **options,
    )


def outbox_resend(*, message: OutboxMessage, actor: "User") -> OutboxMessage:
    """Give a failed message a fresh set of attempts and queue its delivery now.

    ``actor`` must be a local data administrator of ``message.authority`` (the policy's
    ``OUTBOX_RESEND``); anyone else is refused as if the message did not exist.
    """
    from openimi.access import policy
    from openimi.access.policy import Action

    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        policy.require(actor, Action.OUTBOX_RESEND, message)
        if message.status != OutboxMessage.Status.FAILED:
            raise ApplicationError(_("Only an e-mail that could not be delivered can be resent."))
        message.status = OutboxMessage.Status.PENDING
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.last_error = ""
        message.save(
            update_fields=["status", "attempts", "next_attempt_at", "last_error", "updated_at"]
        )
        enqueue_delivery(message.pk)
    return message


# --- The daily digest --------------------------------------------------------------------------

DIGEST_EVENT_CODE = "notifications.digest"


def notification_preference_set(*, user: "User", email_frequency: str) -> NotificationPreference:
    """Store how the user wants e-mails about requests. Going back to immediate e-mails
    releases what was held for the digest: it is queued now, not lost."""
    frequency = NotificationPreference.Frequency(email_frequency)
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(
            user=user, defaults={"email_frequency": frequency}
        )
        if frequency == NotificationPreference.Frequency.IMMEDIATE:
            held = list(
                OutboxMessage.objects.select_for_update()
                .filter(recipient_user=user, status=OutboxMessage.Status.HELD)
                .values_list("pk", flat=True)
            )
            now = timezone.now()
            OutboxMessage.objects.filter(pk__in=held).update(
                status=OutboxMessage.Status.PENDING, next_attempt_at=now, updated_at=now
            )
            enqueue_deliveries(held)
    return preference


def digest_key(user_id: int, day: date) -> str:
    """The outbox key of a user's digest of ``day`` (local date): one digest a day at most."""
    return f"digest:{user_id}:{day.isoformat()}"


def digest_send(*, user: "User", now: datetime | None = None) -> OutboxMessage | None:
    """Put every e-mail held for ``user`` into one digest e-mail, in one transaction.

    The digest is a normal outbox message (key: user and today's local date) and the held
    rows become DIGESTED, pointing at it. Returns ``None`` when nothing is held, or when
    today's digest went already (what was held since waits for tomorrow's): running twice
    sends one e-mail.
    """
    now = now or timezone.now()
    key = digest_key(user.pk, timezone.localdate(now))
    with transaction.atomic():
        # Locked, so that two runs at once cannot put the same row into two digests; the
        # second one finds the rows no longer HELD once the first commits.
        held = list(
            OutboxMessage.objects.select_for_update()
            .filter(recipient_user=user, status=OutboxMessage.Status.HELD, created_at__lte=now)
            .only("pk", "subject", "link", "created_at")
            .order_by("created_at", "pk")
        )
        if not held or OutboxMessage.objects.filter(key=key).exists():
            return None
        digest = outbox_render_and_enqueue(
            key=key,
            template="digest",
            context={
                "items": held,
                "day": timezone.localdate(now),
                "preferences_link": _absolute("accounts:preferences"),
            },
            recipient_email=user.email,
            language=user.language,
            event_code=DIGEST_EVENT_CODE,
            recipient_user=user,
            authority=user.authority,
        )
        OutboxMessage.objects.filter(pk__in=[message.pk for message in held]).update(
            status=OutboxMessage.Status.DIGESTED, digest=digest, updated_at=now
        )
    return digest


def digest_run(*, now: datetime | None = None) -> int:
    """Send the digest of every user with held e-mails (one transaction per user); returns
    the number of digests written. Held e-mails of users who can no longer log in, or have
    no e-mail address any more, are cancelled."""
    from openimi.accounts.models import User

    now = now or timezone.now()
    held = OutboxMessage.objects.filter(status=OutboxMessage.Status.HELD, created_at__lte=now)
    user_ids = set(held.exclude(recipient_user=None).values_list("recipient_user_id", flat=True))
    users = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    users = users.select_related("authority").order_by("pk")
    written = 0
    for user in users:
        written += digest_send(user=user, now=now) is not None
    reachable = [user.pk for user in users]
    held.exclude(recipient_user_id__in=reachable).update(
        status=OutboxMessage.Status.CANCELLED, updated_at=now
    )
    return written


def _absolute(view_name: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    return f"{settings.SITE_URL}{reverse(view_name)}"
