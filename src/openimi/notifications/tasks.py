"""Delivery of the outbox, and the sweeper that recovers what a dead worker left behind.

django-tasks-db has no retries and leaves a killed worker's task RUNNING for ever, so the
outbox owns its retries (``attempts``, ``next_attempt_at``, backoff) and every task here is
idempotent: running one twice, or a duplicate queued by the sweeper, sends nothing twice.

A delivery runs in three short steps rather than one long transaction: claim the row (lock,
check, count the attempt and push ``next_attempt_at`` one lease ahead), send with no database
transaction open, record the outcome. Holding a row lock across SMTP would keep a transaction
open for as long as the mail server takes to answer and, on SQLite, block every writer. The
lease keeps duplicates away while the mail is in flight; if the worker dies, the lease runs
out and the sweeper queues the message again.
"""

import email.utils
import hashlib
import itertools
import logging
import smtplib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openimi.notifications.models import OutboxMessage, WorkerHeartbeat
from openimi.retention.periodic import ensure_scheduled, schedule_next

logger = logging.getLogger(__name__)

# The most overdue messages one sweep re-queues; the next sweep takes the rest.
SWEEP_BATCH_SIZE = 500
# The most messages one delivery task of a fan-out sends (``enqueue_deliveries``): few task
# rows in the sender's transaction, yet several workers can share a large fan-out.
DELIVERY_BATCH_SIZE = 100
# last_error is shown to local data administrators: enough to diagnose, never a whole dump.
LAST_ERROR_MAX_LENGTH = 500


class StaleTaskError(Exception):
    """Recorded on a task that stayed RUNNING too long: its worker was killed or lost."""


def outbox_backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling, capped."""
    exponent = min(max(attempts - 1, 0), 32)  # the cap is reached long before 2**32
    seconds = settings.OUTBOX_BACKOFF_SECONDS * 2**exponent
    return timedelta(seconds=min(seconds, settings.OUTBOX_BACKOFF_MAX_SECONDS))


def outbox_message_id(key: str) -> str:
    """A Message-ID that is the same for every attempt, so receivers can drop duplicates.

    Derived from a hash of the key: the key may hold an e-mail address, the header must not.
    """
    _, from_address = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = from_address.rpartition("@")[2] or "openimi.localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<outbox.{digest}@{domain}>"


def enqueue_delivery(message_id: int, *, run_after: datetime | None = None) -> None:
    """Queue one delivery attempt; call it inside the transaction that makes it due."""
    delivery = (
        outbox_deliver_task if run_after is None else outbox_deliver_task.using(run_after=run_after)
    )
    delivery.enqueue(message_id)


def enqueue_deliveries(message_ids: list[int]) -> None:
    """Queue delivery of many messages now, one task per ``DELIVERY_BATCH_SIZE`` of them; call
    it inside the transaction that makes them due.

    Each message is still claimed, sent and recorded on its own (``outbox_deliver_task``). If a
    worker dies in the middle of a batch, the messages it had not reached stay pending and due,
    and the sweeper queues each of them again once they are overdue.
    """
    for batch in itertools.batched(message_ids, DELIVERY_BATCH_SIZE):
        outbox_deliver_many_task.enqueue(list(batch))


@task()
def outbox_deliver_task(message_id: int) -> str:
    """Try to send one outbox message; returns what happened (kept on the task result)."""
    return _deliver(message_id)


@task()
def outbox_deliver_many_task(message_ids: list[int]) -> dict[str, int]:
    """Try to send each of the messages in turn; returns how many ended how."""
    outcomes: dict[str, int] = {}
    for message_id in message_ids:
        outcome = _deliver(message_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def _deliver(message_id: int) -> str:
    message = _claim(message_id)
    if message is None:
        return "skipped"
    mailer = mailers.default
    try:
        mailer.open()  # opened here, so that "sent" is written before the goodbye (QUIT)
        sent = mailer.send_messages([_build_email(message)])
        if sent != 1:
            raise RuntimeError("The mailer accepted no message.")
    except Exception as exc:  # any failure to send is recorded, then retried or given up
        _close(mailer)
        return _record_failure(message, exc)
    now = timezone.now()
    # At once after the server's "250": a worker that dies between the two sends this message
    # again (same Message-ID); this one UPDATE is all that window holds. Written even if the
    # message was cancelled while in flight: it did go out.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=now, last_error="", updated_at=now
    )
    _close(mailer)
    return "sent"


def _close(mailer: Any) -> None:
    """Say goodbye to the mail server; the message's fate is recorded already."""
    try:
        mailer.close()
    except Exception as exc:  # a server that hangs up first has lost nothing of ours
        logger.info("Closing the mail connection failed (%s)", type(exc).__name__)


def _claim(message_id: int) -> OutboxMessage | None:
    """Lock the row, check it is pending and due, count the attempt and take the lease."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        )
        now = timezone.now()
        # Locked by another worker, gone, already settled, or scheduled later: not ours now.
        if (
            message is None
            or message.status != OutboxMessage.Status.PENDING
            or message.next_attempt_at > now
        ):
            return None
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            # The last attempt ended without an outcome: its worker died while sending.
            # The maximum holds for those too, or a message that kills workers loops for ever.
            message.status = OutboxMessage.Status.FAILED
            message.last_error = (
                f"Gave up after {message.attempts} attempts; the last one never finished "
                "(its worker stopped while sending)."
            )
            message.save(update_fields=["status", "last_error", "updated_at"])
            return None
        message.attempts += 1
        message.next_attempt_at = now + timedelta(seconds=settings.OUTBOX_SEND_LEASE_SECONDS)
        message.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return message


def _build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email_message = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient_email],
        cc=list(message.cc),
        headers={
            "Message-ID": outbox_message_id(message.key),
            "Content-Language": message.language,
            # RFC 3834: no out-of-office or other automatic replies to a no-reply address.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    if message.body_html:
        email_message.attach_alternative(message.body_html, "text/html")
    return email_message


def _is_permanent(exc: Exception) -> bool:
    """Failures that retrying cannot cure: the message itself is wrong, not the server.

    Only message-specific causes count; a refused login or sender is a configuration fault
    that would fail every message, and those should be retried once it is fixed.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    # Django raises ValueError for an address or header it cannot encode.
    return isinstance(exc, ValueError)


def _record_failure(message: OutboxMessage, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_MAX_LENGTH]
    now = timezone.now()
    give_up = _is_permanent(exc) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    logger.warning(
        "Outbox message %s: attempt %s failed (%s)%s",
        message.pk,
        message.attempts,
        type(exc).__name__,
        "; giving up" if give_up else "",
    )
    # Guarded by status so a message cancelled while in flight stays cancelled.
    pending = OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.PENDING)
    if give_up:
        pending.update(status=OutboxMessage.Status.FAILED, last_error=error, updated_at=now)
        return "failed"
    next_attempt_at = now + outbox_backoff(message.attempts)
    with transaction.atomic():
        updated = pending.update(last_error=error, next_attempt_at=next_attempt_at, updated_at=now)
        if updated:
            enqueue_delivery(message.pk, run_after=next_attempt_at)
    return "retry"


@task()
def outbox_sweep_task() -> dict[str, int]:
    """Fail tasks a dead worker left RUNNING, re-queue overdue messages, prune the heartbeats of
    long-dead workers, and come back later."""
    try:
        stale = _fail_stale_tasks()
        requeued = _requeue_overdue_messages()
        pruned = prune_dead_heartbeats()
    finally:
        # Even after an error: a sweeper that stops scheduling itself is gone until a restart.
        schedule_next(outbox_sweep_task, settings.OUTBOX_SWEEP_INTERVAL_SECONDS)
    return {"stale_tasks_failed": stale, "messages_requeued": requeued, "heartbeats_pruned": pruned}


def prune_dead_heartbeats() -> int:
    """Delete the heartbeat rows of workers not heard of for ``WORKER_HEARTBEAT_KEEP``: dead
    for a day, they have told the operator what they had to. A worker cut off from the
    database that comes back writes its row again at its next beat."""
    cutoff = timezone.now() - settings.WORKER_HEARTBEAT_KEEP
    count, _ = WorkerHeartbeat.objects.filter(last_seen__lt=cutoff).delete()
    if count:
        logger.info("Outbox sweeper removed %s heartbeat(s) of long-dead workers", count)
    return count


def _fail_stale_tasks() -> int:
    """Mark FAILED every task RUNNING longer than OUTBOX_STALE_AFTER.

    A worker still alive and merely slow overwrites this when it finishes; one that was killed
    never will, and without this its task would look busy for ever.
    """
    now = timezone.now()
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - settings.OUTBOX_STALE_AFTER)
    count = stale.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{StaleTaskError.__module__}.{StaleTaskError.__qualname__}",
        traceback=(
            f"StaleTaskError: still running after {settings.OUTBOX_STALE_AFTER}; "
            "marked failed by the outbox sweeper (the worker was probably killed)."
        ),
    )
    if count:
        logger.warning("Outbox sweeper marked %s stale running task(s) failed", count)
    return count


def fail_tasks_of_worker(worker_id: str) -> int:
    """Mark FAILED the tasks still RUNNING under ``worker_id``, which lost the database while
    running them (``openimi worker`` calls this when it has the database back).

    Without it such a task looks busy until it is stale (OUTBOX_STALE_AFTER); a periodic job
    caught this way (the sweeper itself) would not be scheduled again until then.
    """
    now = timezone.now()
    mine = [
        task.pk
        for task in DBTaskResult.objects.running().only("pk", "worker_ids")
        if task.worker_ids and task.worker_ids[-1] == worker_id
    ]
    if not mine:
        return 0
    count = (
        DBTaskResult.objects.running()
        .filter(pk__in=mine)
        .update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{StaleTaskError.__module__}.{StaleTaskError.__qualname__}",
            traceback="StaleTaskError: the worker lost the database while running this task.",
        )
    )
    logger.warning("Marked %s task(s) failed that this worker was running", count)
    return count


def _requeue_overdue_messages() -> int:
    """Queue delivery again for pending messages overdue by more than the grace period.

    Their task failed, was lost with a dead worker, or waits behind a long queue; a duplicate
    is harmless since delivery is idempotent. ``next_attempt_at`` moves to now so the next
    sweep leaves them alone for another grace period instead of piling up duplicates.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        overdue = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lt=cutoff)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
        )
        OutboxMessage.objects.filter(pk__in=overdue).update(next_attempt_at=now, updated_at=now)
        for message_id in overdue:
            enqueue_delivery(message_id)
    if overdue:
        logger.info("Outbox sweeper re-queued %s overdue message(s)", len(overdue))
    return len(overdue)


def ensure_sweeper_scheduled() -> bool:
    """Queue a sweep to run now unless one is queued or running; True if one was queued.

    Called when a worker starts, so the sweeper comes back after every restart. A running
    sweep counts only while it is younger than OUTBOX_STALE_AFTER: an older one belongs to a
    dead worker and will never schedule its successor.
    """
    return ensure_scheduled(outbox_sweep_task)
