"""The e-mail that carries a temporary password, and cancelling one still waiting.

Called only by ``services``, inside their transaction. The outbox row is the one place the
password exists in plain text: the body is blanked when a waiting e-mail is cancelled, and
``tasks.temporary_password_scrub_task`` blanks it once the e-mail has gone. No copy goes to
the authority's general address, and nothing here is logged.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from openimi.accounts.models import User
from openimi.accounts.users.selectors import TEMPORARY_PASSWORD_EVENT
from openimi.accounts.users.tasks import (
    BLANKED_BODY,
    SCRUB_GRACE,
    temporary_password_scrub_task,
)
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue_rendered


@sensitive_variables("password", "body")
def temporary_password_send(
    *, user: User, password: str, send_after: datetime | None, first: bool
) -> OutboxMessage:
    """Write the e-mail with ``password`` to the outbox, in the user's language, and queue
    the task that blanks the stored copy once it has gone. No copy to the authority."""
    context = {
        "user": user,
        "authority": user.authority,
        "password": password,
        "first": first,
        "login_url": settings.SITE_URL + reverse("accounts:login"),
    }
    message = outbox_enqueue_rendered(
        key=f"{TEMPORARY_PASSWORD_EVENT}:{user.pk}:{uuid.uuid4().hex}",
        recipient=user,
        template="accounts/email/temporary_password",
        context=context,
        event_code=TEMPORARY_PASSWORD_EVENT,
        authority=user.authority,
        send_after=send_after,
    )
    due = send_after or timezone.now()
    user.temporary_password_expires_at = due + settings.TEMPORARY_PASSWORD_VALID
    user.save(update_fields=["temporary_password_expires_at"])
    temporary_password_scrub_task.using(run_after=due + SCRUB_GRACE).enqueue(message.pk)
    return message


def _waiting(*, user: User):
    return OutboxMessage.objects.select_for_update().filter(
        recipient_user=user,
        event_code=TEMPORARY_PASSWORD_EVENT,
        status=OutboxMessage.Status.PENDING,
    )


def temporary_passwords_cancel(*, user: User) -> datetime | None:
    """Cancel and blank the temporary-password e-mails still waiting; returns the earliest
    time one of them was due (None if none was waiting)."""
    waiting = list(_waiting(user=user))
    if not waiting:
        return None
    OutboxMessage.objects.filter(pk__in=[m.pk for m in waiting]).update(
        status=OutboxMessage.Status.CANCELLED,
        body_text=BLANKED_BODY,
        body_html="",
        updated_at=timezone.now(),
    )
    return min(message.next_attempt_at for message in waiting)
