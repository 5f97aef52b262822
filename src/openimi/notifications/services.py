"""Writes to the outbox. Call these inside the transaction of the change that causes the mail.

The row and its delivery task are stored in the same database and the same transaction
(django-tasks-db keeps tasks in a table): if the caller's transaction rolls back, neither the
message nor its task exists, and if it commits, both do. Never send mail directly.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openimi.common.errors import ApplicationError
from openimi.notifications.models import OutboxMessage
from openimi.notifications.tasks import enqueue_delivery

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority

TEMPLATE_DIR = "notifications/email"


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
) -> OutboxMessage:
    """Write one e-mail to the outbox and queue its delivery, in the caller's transaction.

    Idempotent on ``key`` (e.g. ``"<event id>:<recipient>"``): a second call with the same key
    returns the existing row and queues nothing. ``send_after`` (an aware datetime) delays the
    first attempt, e.g. for the temporary password sent 24 hours after the user name.
    ``authority`` is the authority whose local data administrators answer for the delivery.
    """
    if not key or not recipient_email:
        raise ValueError("An outbox message needs a key and a recipient e-mail address.")
    if send_after is not None and timezone.is_naive(send_after):
        raise ValueError("send_after must be an aware datetime.")
    # Subjects are one header line: newlines from a template would make Django refuse the mail.
    subject = " ".join(subject.split())
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
            },
        )
        if created:
            enqueue_delivery(message.pk, run_after=send_after)
    return message


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
