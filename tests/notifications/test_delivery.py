"""Delivery through a real SMTP server, run by the real worker: retries, backoff, giving up.

The worker runs in autocommit with its own transactions, as in production, so these tests use
``transaction=True``: db_worker closes and reopens database connections between tasks, which
a test wrapped in one transaction cannot survive on PostgreSQL.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue, outbox_resend
from openimi.notifications.tasks import outbox_backoff, outbox_deliver_task, outbox_message_id

pytestmark = pytest.mark.django_db(transaction=True)

Status = OutboxMessage.Status


def enqueue(key: str = "event-1:someone@example.org", **options) -> OutboxMessage:
    values = {
        "recipient_email": "someone@example.org",
        "subject": "New information request",
        "body_text": "A request is waiting for you.",
    }
    return outbox_enqueue(key=key, **(values | options))


def test_delivers_through_smtp(smtp_sink, run_worker, handler, authority):
    message = enqueue(
        cc=["imi@oeteldonk.nl"],
        body_html="<p>A request is waiting for you.</p>",
        language="nl",
        recipient_user=handler,
        authority=authority,
    )

    run_worker()

    [delivery] = smtp_sink.deliveries
    received = delivery.message
    assert received["Subject"] == "New information request"
    assert received["To"] == "someone@example.org"
    assert received["Cc"] == "imi@oeteldonk.nl"
    assert received["Message-ID"] == outbox_message_id(message.key)
    assert received["Content-Language"] == "nl"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_body(("plain",)).get_content().strip() == "A request is waiting for you."
    assert "<p>A request" in received.get_body(("html",)).get_content()
    assert sorted(delivery.rcpt_tos) == ["imi@oeteldonk.nl", "someone@example.org"]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 1, "")
    assert message.sent_at is not None
    assert DBTaskResult.objects.get().return_value == "sent"


def test_delivering_a_sent_message_again_sends_nothing(smtp_sink, run_worker):
    message = enqueue()
    run_worker()
    # A duplicate task, as the sweeper may queue one: it must not send the mail again.
    outbox_deliver_task.enqueue(message.pk)
    run_worker()

    assert len(smtp_sink.messages) == 1
    assert DBTaskResult.objects.filter(return_value="skipped").count() == 1


def test_outage_is_retried_after_backoff_and_delivered_once(smtp_sink, run_worker, clock):
    smtp_sink.stop()
    message = enqueue()

    run_worker()

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at == clock.now + timedelta(seconds=60)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == message.next_attempt_at

    smtp_sink.start()
    run_worker()  # the retry is not due yet
    assert smtp_sink.messages == []

    clock.advance(seconds=60)
    run_worker()

    assert len(smtp_sink.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")


def test_gives_up_after_the_maximum_attempts(smtp_sink, run_worker, clock, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp_sink.stop()
    message = enqueue()

    for attempt in (1, 2, 3):
        run_worker()
        message.refresh_from_db()
        assert message.attempts == attempt
        clock.advance(seconds=outbox_backoff(attempt).total_seconds())

    assert message.status == Status.FAILED
    assert message.last_error.startswith("ConnectionRefusedError")
    assert not DBTaskResult.objects.filter(status="READY").exists()
    smtp_sink.start()
    run_worker()
    assert smtp_sink.messages == []


def test_a_refused_recipient_fails_at_once(smtp_sink, run_worker):
    smtp_sink.refuse("gone@example.org")
    message = enqueue(recipient_email="gone@example.org")

    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert message.last_error.startswith("SMTPRecipientsRefused")
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_send_after_holds_the_first_attempt(smtp_sink, run_worker, clock):
    message = enqueue(send_after=clock.now + timedelta(hours=24))

    run_worker()
    clock.advance(hours=23, minutes=59)
    run_worker()
    assert smtp_sink.messages == []

    clock.advance(minutes=1)
    run_worker()
    assert len(smtp_sink.messages) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_a_cancelled_message_is_not_sent(smtp_sink, run_worker):
    message = enqueue()
    # No service cancels yet; the row is changed here only to stand for one.
    OutboxMessage.objects.filter(pk=message.pk).update(status=Status.CANCELLED)

    run_worker()

    assert smtp_sink.messages == []
    assert DBTaskResult.objects.get().return_value == "skipped"


def test_a_resent_message_is_delivered(smtp_sink, run_worker, lda):
    smtp_sink.refuse("moved@example.org")
    message = enqueue(recipient_email="moved@example.org", authority=lda.authority)
    run_worker()
    message.refresh_from_db()
    assert message.status == Status.FAILED

    smtp_sink.refused.clear()  # the mailbox is back
    outbox_resend(message=message, actor=lda)
    run_worker()

    assert len(smtp_sink.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)


@pytest.mark.postgres
def test_a_message_locked_by_another_worker_is_skipped(smtp_sink):
    """Two workers on one message: the second skips the locked row instead of waiting."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; it allows one writer at a time instead.")
    message = enqueue()
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        assert outbox_deliver_task.call(message.pk) == "skipped"
    finally:
        release.set()
        thread.join()

    assert smtp_sink.messages == []
    assert outbox_deliver_task.call(message.pk) == "sent"
