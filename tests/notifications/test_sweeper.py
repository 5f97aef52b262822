"""The sweeper recovers what a killed worker leaves behind, and the worker command runs it."""

from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue
from openimi.notifications.tasks import (
    _claim,
    ensure_sweeper_scheduled,
    outbox_deliver_task,
    outbox_sweep_task,
)

# The worker reconnects between tasks; see test_delivery.py.
pytestmark = pytest.mark.django_db(transaction=True)

Status = OutboxMessage.Status


def enqueue(key: str = "event-1:someone@example.org") -> OutboxMessage:
    return outbox_enqueue(
        key=key, recipient_email="someone@example.org", subject="Hello", body_text="Text"
    )


def kill_worker_mid_send(message: OutboxMessage) -> DBTaskResult:
    """What a worker killed while sending leaves: its task RUNNING, the message claimed."""
    task = DBTaskResult.objects.get(args_kwargs__args=[message.pk], status="READY")
    task.claim("killed-worker")
    assert _claim(message.pk) is not None
    return task


def sweep_tasks():
    return DBTaskResult.objects.filter(task_path=outbox_sweep_task.module_path)


def test_recovers_a_message_whose_worker_was_killed(smtp_sink, run_worker, clock, settings):
    message = enqueue()
    task = kill_worker_mid_send(message)

    run_worker()  # nothing is due: the task is RUNNING and the message is leased
    assert smtp_sink.messages == []

    # Past the lease plus the grace period, and past the stale-task limit.
    clock.advance(seconds=settings.OUTBOX_SEND_LEASE_SECONDS + settings.OUTBOX_SWEEP_GRACE_SECONDS)
    clock.advance(seconds=1)
    assert clock.now - task.started_at > settings.OUTBOX_STALE_AFTER
    run_worker(sweeper=True)

    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "openimi.notifications.tasks.StaleTaskError"
    assert len(smtp_sink.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)


def test_leaves_fresh_running_tasks_alone(clock, settings):
    message = enqueue()
    task = kill_worker_mid_send(message)
    clock.advance(seconds=settings.OUTBOX_STALE_AFTER.total_seconds() - 1)

    result = outbox_sweep_task.call()

    assert result == {"stale_tasks_failed": 0, "messages_requeued": 0, "heartbeats_pruned": 0}
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_requeues_a_pending_message_whose_task_was_lost(smtp_sink, run_worker, clock, settings):
    message = enqueue()
    DBTaskResult.objects.all().delete()  # the task is gone, the message still pending

    clock.advance(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    assert outbox_sweep_task.call()["messages_requeued"] == 0  # within the grace period

    clock.advance(seconds=1)
    assert outbox_sweep_task.call()["messages_requeued"] == 1
    # Moved to now, so the next sweep does not queue it again before another grace period.
    assert outbox_sweep_task.call()["messages_requeued"] == 0

    run_worker()
    assert len(smtp_sink.messages) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_a_duplicate_delivery_task_is_harmless(smtp_sink, run_worker):
    message = enqueue()
    outbox_deliver_task.enqueue(message.pk)

    run_worker()

    assert len(smtp_sink.messages) == 1
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == [
        "sent",
        "skipped",
    ]


def test_does_not_touch_scheduled_or_settled_messages(clock, settings):
    later = enqueue("later")
    OutboxMessage.objects.filter(pk=later.pk).update(next_attempt_at=clock.now + timedelta(days=1))
    for status in (Status.SENT, Status.FAILED, Status.CANCELLED):
        settled = enqueue(f"settled-{status}")
        OutboxMessage.objects.filter(pk=settled.pk).update(status=status)
    clock.advance(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + 1)

    assert outbox_sweep_task.call()["messages_requeued"] == 0


def test_schedules_one_next_sweep(clock, settings):
    outbox_sweep_task.call()
    outbox_sweep_task.call()

    [queued] = sweep_tasks().filter(status="READY")
    assert queued.run_after == clock.now + timedelta(seconds=settings.OUTBOX_SWEEP_INTERVAL_SECONDS)


def test_ensure_sweeper_scheduled_queues_one_sweep(clock, settings):
    assert ensure_sweeper_scheduled() is True
    assert ensure_sweeper_scheduled() is False
    assert sweep_tasks().count() == 1

    # A sweep left RUNNING by a dead worker will never schedule the next: queue a new one.
    sweep_tasks().get().claim("killed-worker")
    assert ensure_sweeper_scheduled() is False
    clock.advance(seconds=settings.OUTBOX_STALE_AFTER.total_seconds() + 1)
    assert ensure_sweeper_scheduled() is True


def test_the_worker_command_runs_the_sweeper_and_delivers(smtp_sink, run_worker, clock, settings):
    enqueue()

    run_worker(sweeper=True)

    assert len(smtp_sink.messages) == 1
    assert sweep_tasks().filter(status="SUCCESSFUL").count() == 1
    [next_sweep] = sweep_tasks().filter(status="READY")
    assert next_sweep.run_after == clock.now + timedelta(
        seconds=settings.OUTBOX_SWEEP_INTERVAL_SECONDS
    )


def test_a_message_that_kills_every_worker_stops_at_the_maximum(
    smtp_sink, run_worker, clock, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = enqueue()
    recover = settings.OUTBOX_SEND_LEASE_SECONDS + settings.OUTBOX_SWEEP_GRACE_SECONDS + 1

    for _ in range(2):
        kill_worker_mid_send(message)
        clock.advance(seconds=recover)
        outbox_sweep_task.call()  # fails the dead task, queues the message again
    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 2)
    assert message.last_error.startswith("Gave up after 2 attempts")
    assert smtp_sink.messages == []


def test_the_worker_command_passes_max_tasks_on(smtp_sink, run_worker):
    enqueue("first")
    enqueue("second")

    run_worker(max_tasks=1)

    assert len(smtp_sink.messages) == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 1
