"""Every standing worker keeps a heartbeat row: written at start, touched while it idles and while
a long task holds it, removed on a clean stop, left to go dead when the worker is killed.

A real ``openimi worker`` subprocess on PostgreSQL; the long task is an e-mail whose SMTP
conversation the sink holds (``HoldingSink``).
"""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from openimi.notifications.health import worker_health
from openimi.notifications.models import WorkerHeartbeat
from openimi.notifications.selectors import worker_list
from openimi.notifications.services import outbox_enqueue
from openimi.notifications.tasks import outbox_sweep_task, prune_dead_heartbeats
from tests.notifications.test_worker_kill import (
    HoldingSink,
    start_worker,
    stop,
    wait_for,
    worker_environment,
)

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: a worker process shares the database with the test "
    "(set DATABASE_URL=postgres://…)",
)


def beats(worker_id: str) -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.filter(worker_id=worker_id).first()


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_beats_while_idle_and_during_a_long_task_and_goes_dead_when_killed(
    tmp_path, settings
):
    settings.WORKER_HEARTBEAT_DEAD_AFTER = timedelta(seconds=3)
    settings.WORKER_REQUIRED = True
    sink = HoldingSink("rcpt")
    sink.start()
    env = {
        **worker_environment(sink, tmp_path),
        "WORKER_HEARTBEAT_SECONDS": "1",
        "OUTBOX_SEND_LEASE_SECONDS": "600",  # the held e-mail is not sent twice meanwhile
    }
    assert worker_health()[0] is False  # no worker yet
    worker = start_worker(env, "beating")
    killed = start_worker(env, "doomed")
    try:
        wait_for(lambda: beats("beating") is not None, "the first heartbeat", worker)
        first = beats("beating")
        assert first.pid == worker.pid and first.hostname and first.task_name == ""
        wait_for(lambda: beats("beating").last_seen > first.last_seen, "a second beat", worker)
        wait_for(lambda: beats("doomed") is not None, "the other worker's heartbeat", killed)

        # A long task: the SMTP server holds the conversation; the main thread waits in it.
        outbox_enqueue(key="hb:1", recipient_email="a@example.org", subject="S", body_text="T")
        wait_for(sink.handler.held.is_set, "the held conversation", worker)
        wait_for(lambda: worker_list().exclude(task_name="").exists(), "a beat naming it", worker)
        holder = worker_list().exclude(task_name="").get()
        during = holder.last_seen
        time.sleep(2.5)
        holder.refresh_from_db()
        assert holder.last_seen > during, "the heartbeat goes on while a task runs"
        assert holder.task_name.endswith("outbox_deliver_task") and holder.task_id
        sink.handler.release.set()
        wait_for(lambda: not beats(holder.worker_id).task_name, "the task to end", worker)

        ok, detail = worker_health()
        assert ok and detail["alive"] == 2 and detail["dead"] == 0
        out = StringIO()
        call_command("workers", "--check", stdout=out)
        assert "beating" in out.getvalue() and "2 alive, 0 dead" in out.getvalue()

        killed.send_signal(signal.SIGKILL)  # no clean exit: the row stays and ages
        killed.wait(timeout=10)
        wait_for(
            lambda: [w.worker_id for w in worker_list(alive=False)] == ["doomed"],
            "the killed worker to go dead",
            worker,
        )
        assert [w.worker_id for w in worker_list(alive=True)] == ["beating"]
        ok, detail = worker_health()
        assert ok and detail["alive"] == 1 and detail["dead"] == 1
        out = StringIO()
        call_command("workers", stdout=out)
        assert any(
            line.startswith("DEAD") and "doomed" in line for line in out.getvalue().splitlines()
        )

        worker.send_signal(signal.SIGTERM)  # a clean exit removes the row
        worker.wait(timeout=15)
        assert worker.returncode == 0
        assert beats("beating") is None
    finally:
        log = stop(worker) + stop(killed)
        sink.stop()
    ok, detail = worker_health()
    assert not ok and detail["alive"] == 0 and detail["dead"] == 1, log
    with pytest.raises(CommandError, match="No worker is alive"):
        call_command("workers", "--check", stdout=StringIO())


@pytest.mark.django_db
def test_worker_health_passes_without_a_worker_when_none_is_required(settings):
    settings.WORKER_REQUIRED = False
    assert worker_health() == (
        True,
        {"alive": 0, "dead": 0, "newest_heartbeat_age_seconds": None, "required": False},
    )
    settings.WORKER_REQUIRED = True
    assert worker_health()[0] is False


@pytest.mark.django_db
def test_the_sweeper_prunes_heartbeats_dead_for_a_day_and_keeps_the_rest(settings):
    now = timezone.now()
    settings.WORKER_HEARTBEAT_KEEP = timedelta(days=1)

    def row(worker_id: str, age: timedelta) -> None:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, hostname="h", pid=1, started_at=now - age, last_seen=now - age
        )

    row("long-dead", timedelta(days=1, minutes=1))
    row("dead-an-hour", timedelta(hours=1))
    row("alive", timedelta(seconds=1))
    assert outbox_sweep_task.call()["heartbeats_pruned"] == 1
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {
        "dead-an-hour",
        "alive",
    }
    assert [w.worker_id for w in worker_list(alive=False)] == ["dead-an-hour"]
    assert prune_dead_heartbeats() == 0
