"""The periodic deadline check (scheduled at worker start by
``retention.tasks.ensure_periodic_jobs_scheduled``)."""

from django.conf import settings
from django.tasks import task

from openimi.deadlines.services import deadline_check
from openimi.retention.periodic import schedule_next


@task()
def deadline_check_task() -> dict[str, int]:
    """Send the reminders and escalations due now, then come back later (even after an error)."""
    try:
        result = deadline_check()
    finally:
        schedule_next(deadline_check_task, settings.DEADLINES_CHECK_INTERVAL_SECONDS)
    return {"reminders": result.reminders, "escalations": result.escalations}
