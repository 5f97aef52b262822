"""The alerts' periodic job: once a day, remind the senders of live alerts whose restriction
ended to propose closure (``services.alerts_remind_restriction_ended``). Scheduled at worker
start with the other periodic jobs (``retention.tasks.ensure_periodic_jobs_scheduled``); it
queues its own next run when it ends (``retention.periodic``)."""

from django.conf import settings
from django.tasks import task

from openimi.alerts import services
from openimi.retention.periodic import schedule_next


@task()
def alert_reminders_task() -> dict[str, int]:
    """Send the reminders due today, then come back tomorrow (even after an error)."""
    try:
        reminded = services.alerts_remind_restriction_ended()
    finally:
        schedule_next(alert_reminders_task, settings.ALERT_REMINDERS_INTERVAL_SECONDS)
    return {"reminded": reminded}
