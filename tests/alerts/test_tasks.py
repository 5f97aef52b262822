"""The alerts' periodic job (``alerts.tasks.alert_reminders_task``): scheduled once at worker
start with the other periodic jobs, it reminds the sender once when the restriction's end date
has passed, and queues its own next run; through the real worker, the reminder reaches the
sender over SMTP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openimi.alerts import events, services
from openimi.alerts.models import AlertEvent
from openimi.alerts.tasks import alert_reminders_task
from openimi.alerts.types import AlertType
from openimi.notifications.models import OutboxMessage
from openimi.retention.tasks import ensure_periodic_jobs_scheduled
from tests.alerts.conftest import PQ_PERSONAL, pq_fields
from tests.clock import clock  # noqa: F401
from tests.notifications.conftest import run_worker  # noqa: F401
from tests.smtp import smtp_sink  # noqa: F401

# ruff: noqa: F811 - the fixtures imported above are parameters of the tests


def send_alert(world, *, ends_in_days: int):
    """A sent PQ alert whose restriction ends ``ends_in_days`` from today."""
    alert = services.alert_create_draft(
        actor=world.sender_handler,
        alert_type=AlertType.PQ_HEALTH,
        fields=pq_fields(restriction_end=timezone.localdate() + dt.timedelta(days=ends_in_days)),
        personal=PQ_PERSONAL,
        language="en",
    )
    services.alert_submit(alert=alert, actor=world.sender_handler)
    return services.alert_validate(alert=alert, actor=world.nl_alco_user)


def reminders(alert) -> int:
    return AlertEvent.objects.filter(alert=alert, code=events.RESTRICTION_ENDED).count()


def queued_runs():
    return DBTaskResult.objects.filter(
        task_path=alert_reminders_task.module_path, status=TaskResultStatus.READY
    )


def test_the_worker_start_schedules_the_job_once(db):
    assert alert_reminders_task.name in ensure_periodic_jobs_scheduled()
    assert alert_reminders_task.name not in ensure_periodic_jobs_scheduled()
    assert queued_runs().count() == 1


def test_reminds_once_after_the_end_date_and_comes_back_a_day_later(world, clock, settings):
    ending = send_alert(world, ends_in_days=1)
    open_ended = send_alert(world, ends_in_days=400)

    assert alert_reminders_task.call() == {"reminded": 0}  # not ended yet
    assert reminders(ending) == 0
    (next_run,) = queued_runs()
    interval = dt.timedelta(seconds=settings.ALERT_REMINDERS_INTERVAL_SECONDS)
    assert next_run.run_after == clock.now + interval

    clock.advance(days=2)
    assert alert_reminders_task.call() == {"reminded": 1}
    assert reminders(ending) == 1 and reminders(open_ended) == 0
    ending.refresh_from_db()
    assert ending.restriction_end_reminded_at == clock.now
    # Once per alert: the next day's run finds nothing new.
    clock.advance(days=1)
    assert alert_reminders_task.call() == {"reminded": 0}
    assert reminders(ending) == 1
    assert queued_runs().count() == 1  # one next run, not one per run


def test_a_closed_alert_is_not_reminded(world, clock):
    alert = send_alert(world, ends_in_days=1)
    services.alert_propose_closure(alert=alert, actor=world.sender_handler, reason="Lifted.")
    services.alert_validate_closure(alert=alert, actor=world.nl_alco_user)
    clock.advance(days=2)
    assert alert_reminders_task.call() == {"reminded": 0}
    assert reminders(alert) == 0


@pytest.mark.django_db(transaction=True)  # the worker reconnects between tasks
def test_the_worker_runs_the_job_and_the_sender_gets_the_reminder(
    world, clock, run_worker, smtp_sink
):
    """Through the real worker: the job scheduled at start runs, writes the reminder, and the
    reminder's delivery reaches the sender over SMTP in Dutch, their language."""
    alert = send_alert(world, ends_in_days=1)
    clock.advance(days=2)
    smtp_sink.deliveries.clear()
    run_worker(sweeper=True)  # schedules the periodic jobs and runs what is due
    run_worker()  # the reminder's delivery, if the first batch ended before it
    assert reminders(alert) == 1
    mail = OutboxMessage.objects.get(
        event_code=events.RESTRICTION_ENDED, recipient_email=world.sender_handler.email
    )
    assert mail.status == OutboxMessage.Status.SENT and mail.language == "nl"
    received = {r for d in smtp_sink.deliveries for r in d.rcpt_tos}
    assert world.sender_handler.email in received
    assert world.sender_colleague.email in received
    assert queued_runs().exists()  # and it comes back tomorrow
