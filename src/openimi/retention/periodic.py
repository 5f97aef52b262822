"""Tasks that re-schedule themselves: the outbox and webhook sweepers, the daily digest, the
retention job, the deadline check and the pruning of finished task results.

django-tasks-db has no periodic tasks: a periodic task queues its own next run when it ends
(``schedule_next``), and every worker start makes sure one run is queued
(``ensure_scheduled``; a killed worker's run would otherwise be the last). A queued (READY)
run, or a RUNNING one younger than ``OUTBOX_STALE_AFTER``, counts. This is the one module that
looks up a task's runs; every periodic task goes through it.

Once per period, however many workers run: "is a run queued? if not, queue one" must not
interleave between processes, or three workers starting at once queue three sweeps (and each
queues its own successor, for ever). On PostgreSQL each check-and-queue holds a transaction
advisory lock keyed on the task (``pg_advisory_xact_lock``) until its transaction commits, so
the next process's check sees the run the first one queued. SQLite needs no lock: openimi
opens its transactions there with BEGIN IMMEDIATE (settings), which admits one writer at a
time to the whole file.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def _lock(task: Task) -> None:
    """Hold the task's advisory lock until the current transaction ends (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"openimi.periodic:{task.module_path}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)  # the lock takes a signed bigint
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _runs(task: Task) -> object:
    return DBTaskResult.objects.filter(task_path=task.module_path)


def _enqueue(task: Task, at: datetime | None) -> None:
    (task if at is None else task.using(run_after=at)).enqueue()


def schedule_next(
    task: Task, interval_seconds: int | None = None, *, at: datetime | None = None
) -> None:
    """Queue the next run ``interval_seconds`` from now (or ``at``), unless one is queued."""
    if (interval_seconds is None) == (at is None):
        raise TypeError("schedule_next needs interval_seconds or at, not both")
    with transaction.atomic():
        _lock(task)
        if _runs(task).filter(status=TaskResultStatus.READY).exists():
            return
        if at is None:
            at = timezone.now() + timedelta(seconds=interval_seconds)
        _enqueue(task, at)


def ensure_scheduled(task: Task, *, at: datetime | None = None) -> bool:
    """Queue a run now (or ``at``) unless a run is queued or fresh; True if one was queued."""
    fresh_after = timezone.now() - settings.OUTBOX_STALE_AFTER
    with transaction.atomic():
        _lock(task)
        runs = _runs(task)
        if (
            runs.filter(status=TaskResultStatus.READY).exists()
            or runs.filter(status=TaskResultStatus.RUNNING, started_at__gte=fresh_after).exists()
        ):
            return False
        _enqueue(task, at)
    return True


def last_success_at(task: Task) -> datetime | None:
    """When the last successful run of ``task`` finished (None if none is on record: results
    are pruned after ``TASK_RESULTS_KEEP_DAYS``)."""
    return (
        _runs(task)
        .filter(status=TaskResultStatus.SUCCESSFUL)
        .aggregate(  # type: ignore[attr-defined]
            last=Max("finished_at")
        )["last"]
    )
