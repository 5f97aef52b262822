"""The periodic jobs: one helper schedules them all (``retention.periodic``), and the finished
task results they leave are pruned by django-tasks-db's own command on a schedule."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from openimi.notifications.tasks import outbox_deliver_task
from openimi.retention.tasks import ensure_periodic_jobs_scheduled, task_results_prune_task

SRC = Path(__file__).resolve().parents[2] / "src" / "openimi"

pytestmark = pytest.mark.django_db


def test_only_the_periodic_helper_looks_up_a_tasks_runs():
    """A task that schedules itself goes through ``retention.periodic`` (schedule_next,
    ensure_scheduled); a second copy of "is a run queued?" is how the copies drift apart."""
    found = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "retention" / "periodic.py"
        and "migrations" not in path.parts
        # The task backend writes each task's row (with its request id); it looks up nothing.
        and path != SRC / "observability" / "tasks.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"task_path\s*=", line)
    ]
    assert found == []


def finished(*, status: str, days_ago: float, now) -> DBTaskResult:
    """A task result as the worker leaves it, finished ``days_ago`` days before now."""
    result = outbox_deliver_task.enqueue(1)
    at = now - timedelta(days=days_ago)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status, enqueued_at=at, started_at=at, finished_at=at
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_prunes_old_finished_results_and_keeps_the_rest(clock, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 7
    settings.TASK_RESULTS_FAILED_KEEP_DAYS = 30
    now = clock.now
    old_success = finished(status=TaskResultStatus.SUCCESSFUL, days_ago=8, now=now)
    recent_success = finished(status=TaskResultStatus.SUCCESSFUL, days_ago=6, now=now)
    old_failure = finished(status=TaskResultStatus.FAILED, days_ago=31, now=now)
    recent_failure = finished(status=TaskResultStatus.FAILED, days_ago=8, now=now)
    waiting = outbox_deliver_task.using(run_after=now - timedelta(days=60)).enqueue(2)
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=now - timedelta(days=60))
    running = outbox_deliver_task.enqueue(3)
    DBTaskResult.objects.get(pk=running.id).claim("a-worker")
    DBTaskResult.objects.filter(pk=running.id).update(started_at=now - timedelta(days=60))

    task_results_prune_task.call()

    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert old_success.pk not in left
    assert old_failure.pk not in left
    kept = {recent_success.pk, recent_failure.pk}
    assert kept <= left
    assert {str(p) for p in (waiting.id, running.id)} <= {str(p) for p in left}
    # ... and the job came back: its next run is queued a day later.
    following = DBTaskResult.objects.get(
        task_path=task_results_prune_task.module_path, status=TaskResultStatus.READY
    )
    interval = timedelta(seconds=settings.TASK_RESULTS_PRUNE_INTERVAL_SECONDS)
    assert following.run_after == now + interval


def test_the_worker_start_schedules_the_pruning_once(clock):
    assert task_results_prune_task.name in ensure_periodic_jobs_scheduled()
    assert task_results_prune_task.name not in ensure_periodic_jobs_scheduled()
    runs = DBTaskResult.objects.filter(task_path=task_results_prune_task.module_path)
    assert runs.count() == 1


@pytest.mark.django_db(transaction=True)  # the worker reconnects between tasks
def test_the_worker_prunes_on_schedule(clock, run_worker, settings):
    """Through the real worker: the pruning runs when due and removes a month-old result."""
    settings.TASK_RESULTS_KEEP_DAYS = 7
    old = finished(status=TaskResultStatus.SUCCESSFUL, days_ago=40, now=clock.now)
    run_worker(sweeper=True)
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert DBTaskResult.objects.filter(
        task_path=task_results_prune_task.module_path, status=TaskResultStatus.READY
    ).exists()
