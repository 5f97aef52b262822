"""Blanking the stored copy of a temporary-password e-mail once it has gone.

The outbox keeps every e-mail it sends (for retries and for the administrators' view of
failed deliveries). For the temporary password that copy is the one place the secret exists
in plain text, so ``services._send_temporary_password`` queues this task for each such e-mail,
a little after it is due. The task leaves the notifications app alone: it only rewrites the
body of rows with ``event_code = TEMPORARY_PASSWORD_EVENT``, and only once delivery is over.
"""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from openimi.accounts.users.selectors import TEMPORARY_PASSWORD_EVENT
from openimi.notifications.models import OutboxMessage

# How long after an e-mail is due the task looks at it: delivery usually takes seconds.
SCRUB_GRACE = timedelta(minutes=5)
# What stays of a temporary-password e-mail in the outbox once it has gone (or was cancelled).
# Written for a reader: should someone resend the stored copy, the recipient learns what to do.
BLANKED_BODY = (
    "This e-mail contained a temporary password for openimi. For safety it was removed from "
    "the stored copy after delivery.\n\nIf you need a new temporary password, ask a local data "
    "administrator of your authority to reset your password.\n"
)


@task()
def temporary_password_scrub_task(message_id: int) -> str:
    """Blank the e-mail's text once it is sent, failed or cancelled; while it is still
    pending (a retry later), come back after its next attempt. Idempotent.

    No row lock: the delivery task claims messages with SKIP LOCKED and would skip one held
    here. The UPDATE matches only settled messages, so it never touches one being claimed.
    """
    messages = OutboxMessage.objects.filter(pk=message_id, event_code=TEMPORARY_PASSWORD_EVENT)
    if _blank(messages):
        return "blanked"
    message = messages.values("status", "next_attempt_at").first()
    if message is None:
        return "gone"
    if message["status"] == OutboxMessage.Status.PENDING:
        again = max(message["next_attempt_at"], timezone.now()) + SCRUB_GRACE
        temporary_password_scrub_task.using(run_after=again).enqueue(message_id)
        return "waiting"
    _blank(messages)  # settled between the two statements above
    return "blanked"


def _blank(messages) -> int:
    """Blank the settled ones among ``messages``. A failed e-mail is blanked too: its
    password was never received, and the administrator resets it after fixing the address."""
    return (
        messages.exclude(status=OutboxMessage.Status.PENDING)
        .exclude(body_text=BLANKED_BODY)
        .update(body_text=BLANKED_BODY, body_html="", updated_at=timezone.now())
    )
