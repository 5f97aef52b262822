"""The outbox services: written in the caller's transaction, idempotent, rendered in language."""

from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from openimi.common.errors import ApplicationError
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import (
    outbox_enqueue,
    outbox_render_and_enqueue,
    outbox_resend,
)
from openimi.notifications.tasks import outbox_deliver_task

Status = OutboxMessage.Status
FOOTER = "This message was sent by openimi. Do not reply to this e-mail."


def enqueue(key: str = "event-1:someone@example.org", **options) -> OutboxMessage:
    values = {"recipient_email": "someone@example.org", "subject": "Hello", "body_text": "Text"}
    return outbox_enqueue(key=key, **(values | options))


class DeliberateRollbackError(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_neither_message_nor_task():
    # transaction=True: this is the real outermost transaction, not a test savepoint.
    with pytest.raises(DeliberateRollbackError), transaction.atomic():
        enqueue()
        assert OutboxMessage.objects.count() == 1
        assert DBTaskResult.objects.count() == 1
        raise DeliberateRollbackError

    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_leaves_the_message_and_its_task():
    with transaction.atomic():
        message = enqueue()

    task = DBTaskResult.objects.get()
    assert task.status == "READY"
    assert task.task_path == outbox_deliver_task.module_path
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}


@pytest.mark.django_db
def test_the_same_key_twice_gives_one_message_and_one_task():
    first = enqueue(subject="First")
    second = enqueue(subject="Second")

    assert second.pk == first.pk
    assert second.subject == "First"
    assert OutboxMessage.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_enqueue_keeps_who_and_for_which_authority(handler, authority):
    message = enqueue(
        recipient_user=handler,
        authority=authority,
        event_code="request.sent",
        language="nl",
        cc=("imi@oeteldonk.nl",),
        subject="Two\nlines",
    )

    message.refresh_from_db()
    assert message.recipient_user == handler
    assert message.authority == authority
    assert (message.event_code, message.language) == ("request.sent", "nl")
    assert message.cc == ["imi@oeteldonk.nl"]
    assert message.subject == "Two lines"  # a header is one line
    assert (message.status, message.attempts) == (Status.PENDING, 0)


@pytest.mark.django_db
def test_send_after_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        enqueue(send_after=datetime(2030, 1, 1))  # noqa: DTZ001 - the naive value is the point
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_send_after_schedules_the_first_attempt(clock):
    later = clock.now + timedelta(hours=24)

    message = enqueue(send_after=later)

    assert message.next_attempt_at == later
    assert DBTaskResult.objects.get().run_after == later


@pytest.mark.django_db
def test_render_and_enqueue_uses_the_generic_templates():
    message = outbox_render_and_enqueue(
        key="event-2:someone@example.org",
        template="generic",
        context={"subject": "Request from O'Brien & Sons", "body": "Please answer <soon>."},
        recipient_email="someone@example.org",
        language="en",
        event_code="request.sent",
    )

    assert message.subject == "Request from O'Brien & Sons"  # plain text: nothing escaped
    assert message.body_text.startswith("Please answer <soon>.\n")
    assert message.body_text.endswith(f"-- \n{FOOTER}\n")
    assert (message.language, message.event_code) == ("en", "request.sent")


@pytest.mark.django_db
def test_resend_gives_a_failed_message_new_attempts(lda):
    message = enqueue(authority=lda.authority)
    DBTaskResult.objects.all().delete()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED, attempts=8, last_error="SMTPRecipientsRefused: …"
    )

    message = outbox_resend(message=message, actor=lda)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.PENDING, 0, "")
    assert DBTaskResult.objects.get().args_kwargs["args"] == [message.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.PENDING, Status.SENT, Status.CANCELLED])
def test_only_a_failed_message_can_be_resent(status, lda):
    message = enqueue(authority=lda.authority)
    OutboxMessage.objects.filter(pk=message.pk).update(status=status)

    with pytest.raises(ApplicationError):
        outbox_resend(message=message, actor=lda)
    assert DBTaskResult.objects.count() == 1
