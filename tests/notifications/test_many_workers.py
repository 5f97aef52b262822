"""Three workers started at the same moment: every periodic job is queued once per period, every
task is claimed by one worker, and every e-mail arrives exactly once (issue 20, item 2).

Three real ``openimi worker`` processes on PostgreSQL, with the periodic intervals cut to a
second or two, run for a while; then the task table tells what was queued when and who ran it,
and a real SMTP server counts the e-mails by Message-ID.

Without the advisory lock of ``retention.periodic`` the three start-ups each see "no sweep
queued" and queue one, and from then on each of the three sweeps queues its own successor:
three sweeps a period, for ever.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from openimi.api.webhooks import webhook_sweep_task
from openimi.deadlines.tasks import deadline_check_task
from openimi.notifications.digest import digest_daily_task
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue
from openimi.notifications.tasks import outbox_message_id, outbox_sweep_task
from openimi.retention.tasks import retention_daily_task, task_results_prune_task
from tests.notifications.test_worker_kill import start_worker, stop, wait_for, worker_environment
from tests.smtp import SmtpSink

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: three worker processes share the database "
        "(set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 3
MESSAGES = 30
RUN_SECONDS = 8
SWEEP_SECONDS = 1
JOB_SECONDS = 2


def queued_for(result: DBTaskResult) -> datetime:
    """When a run was due: its run_after, or (queued to run at once) when it was queued."""
    return result.run_after or result.enqueued_at


def test_three_workers_queue_each_periodic_job_once_per_period_and_send_each_mail_once(tmp_path):
    sink = SmtpSink()
    sink.start()
    keys = [f"many:{n}" for n in range(MESSAGES)]
    for n, key in enumerate(keys):
        outbox_enqueue(key=key, recipient_email=f"p{n}@example.org", subject=f"M{n}", body_text="T")
    env = {
        **worker_environment(sink, tmp_path),
        "OUTBOX_SWEEP_INTERVAL_SECONDS": str(SWEEP_SECONDS),  # the outbox and webhook sweepers
        "RETENTION_RUN_INTERVAL_SECONDS": str(JOB_SECONDS),
        "DEADLINES_CHECK_INTERVAL_SECONDS": str(JOB_SECONDS),
        "TASK_RESULTS_PRUNE_INTERVAL_SECONDS": str(JOB_SECONDS),
        "OUTBOX_STALE_AFTER_SECONDS": "600",  # no run is taken for a dead worker's here
        "OUTBOX_SEND_LEASE_SECONDS": "600",
        "WORKER_HEARTBEAT_SECONDS": "1",
    }
    began = time.monotonic()
    workers = [start_worker(env, f"w{n}") for n in range(WORKERS)]
    try:
        sent = OutboxMessage.objects.filter(key__in=keys, status=OutboxMessage.Status.SENT)
        wait_for(lambda: sent.count() == MESSAGES, "every message to be sent", workers[0])
        time.sleep(RUN_SECONDS)  # several periods of every short job
        assert all(worker.poll() is None for worker in workers), "every worker still runs"
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=20)
        elapsed = time.monotonic() - began
    finally:
        logs = [stop(worker) for worker in workers]
        sink.stop()

    # Each periodic job: its runs are due at least one period apart (one per period), and the
    # short ones came round several times (the test watched them recur).
    jobs = {
        outbox_sweep_task: SWEEP_SECONDS,
        webhook_sweep_task: SWEEP_SECONDS,
        retention_daily_task: JOB_SECONDS,
        deadline_check_task: JOB_SECONDS,
        task_results_prune_task: JOB_SECONDS,
    }
    for job, seconds in jobs.items():
        runs = sorted(
            DBTaskResult.objects.filter(task_path=job.module_path), key=lambda r: queued_for(r)
        )
        due = [queued_for(run) for run in runs]
        gaps = [later - earlier for earlier, later in zip(due, due[1:], strict=False)]
        # At most one run a period (and the one queued for the next) in the time they ran.
        assert 3 <= len(runs) <= elapsed / seconds + 2, (job.name, len(runs), elapsed, logs)
        assert all(gap >= timedelta(seconds=seconds) for gap in gaps), (job.name, gaps)
    # The digest is due at the digest hour: queued once, by whichever worker came first.
    assert DBTaskResult.objects.filter(task_path=digest_daily_task.module_path).count() == 1

    # SKIP LOCKED: no task was claimed by two workers, and every run was finished by its one.
    assert all(len(r.worker_ids) <= 1 for r in DBTaskResult.objects.all())
    # Every e-mail arrived, exactly once.
    received = Counter(message["Message-ID"] for message in sink.messages)
    assert received == Counter({outbox_message_id(key): 1 for key in keys})
