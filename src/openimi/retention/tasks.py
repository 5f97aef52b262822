"""The daily retention job (which also prunes expired rate-limit counters), the daily pruning
of finished task results, and the one call a worker makes at start to schedule the periodic
jobs of openimi (retention, task results, deadline reminders, alert reminders)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.tasks import task

from openimi.accounts.services import users_anonymise
from openimi.common import ratelimit
from openimi.retention.alerts import alert_retention_run
from openimi.retention.periodic import ensure_scheduled, schedule_next
from openimi.retention.services import retention_run


@task()
def retention_daily_task() -> dict[str, int]:
    """Block and delete what is due (requests, then alerts), the rate-limit counters whose
    windows are over and the personal details of people who left long ago; then come back
    tomorrow (even after an error)."""
    try:
        result = retention_run()
        alerts = alert_retention_run()
        ratelimit.prune()
        users_anonymise()
    finally:
        schedule_next(retention_daily_task, settings.RETENTION_RUN_INTERVAL_SECONDS)
    return {
        "blocked": result.blocked,
        "deleted": result.deleted,
        "alerts_cleared": alerts.cleared,
        "alert_drafts_deleted": alerts.drafts_deleted,
    }


@task()
def task_results_prune_task() -> None:
    """Delete the finished task results older than ``TASK_RESULTS_KEEP_DAYS`` (failed ones:
    ``TASK_RESULTS_FAILED_KEEP_DAYS``) with django-tasks-db's own command, in every queue;
    then come back tomorrow (even after an error)."""
    try:
        call_command(
            "prune_db_task_results",
            queue_name="*",
            min_age_days=settings.TASK_RESULTS_KEEP_DAYS,
            failed_min_age_days=settings.TASK_RESULTS_FAILED_KEEP_DAYS,
            verbosity=0,
        )
    finally:
        schedule_next(task_results_prune_task, settings.TASK_RESULTS_PRUNE_INTERVAL_SECONDS)


def ensure_periodic_jobs_scheduled() -> list[str]:
    """Queue the periodic jobs that are not queued yet; returns the names of those queued."""
    from openimi.alerts.tasks import alert_reminders_task
    from openimi.deadlines.tasks import deadline_check_task

    jobs = (
        retention_daily_task,
        task_results_prune_task,
        deadline_check_task,
        alert_reminders_task,
    )
    return [periodic.name for periodic in jobs if ensure_scheduled(periodic)]
