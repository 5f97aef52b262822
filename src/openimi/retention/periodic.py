"""Tasks that re-schedule themselves, like the outbox sweeper (``notifications.tasks``).

django-tasks-db has no periodic tasks: a periodic task queues its own next run when it ends,
and every worker start makes sure one run is queued (a killed worker's run would otherwise be
the last). A queued (READY) run, or a RUNNING one younger than ``OUTBOX_STALE_AFTER``, counts.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def _runs(task: Task) -> object:
    return DBTaskResult.objects.filter(task_path=task.module_path)


def schedule_next(task: Task, interval_seconds: int) -> None:
    """Queue the next run ``interval_seconds`` from now, unless one is queued already."""
    if _runs(task).filter(status=TaskResultStatus.READY).exists():
        return
    task.using(run_after=timezone.now() + timedelta(seconds=interval_seconds)).enqueue()


def ensure_scheduled(task: Task) -> bool:
    """Queue a run now unless a run is queued or fresh; True if one was queued."""
    fresh_after = timezone.now() - settings.OUTBOX_STALE_AFTER
    with transaction.atomic():
        runs = _runs(task)
        if (
            runs.filter(status=TaskResultStatus.READY).exists()
            or runs.filter(status=TaskResultStatus.RUNNING, started_at__gte=fresh_after).exists()
        ):
            return False
        task.enqueue()
    return True
