"""The daily digest's schedule: ``digest_daily_task`` runs at ``NOTIFICATIONS_DIGEST_HOUR`` in
``TIME_ZONE`` and queues its next run; ``notifications.services.digest_send`` writes each digest.

Apart from ``tasks.py`` (the delivery the services queue) so that the services do not import
back what imports them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from openimi.notifications.services import digest_run
from openimi.retention.periodic import ensure_scheduled, schedule_next


def next_digest_at(now: datetime) -> datetime:
    """The next ``NOTIFICATIONS_DIGEST_HOUR`` o'clock in ``TIME_ZONE`` strictly after ``now``."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(now, zone)
    at = time(hour=settings.NOTIFICATIONS_DIGEST_HOUR)
    candidate = datetime.combine(local.date(), at, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return candidate


@task()
def digest_daily_task() -> dict[str, int]:
    """Send the daily digests, then come back at the same hour tomorrow (even after an error)."""
    try:
        written = digest_run()
    finally:
        schedule_next(digest_daily_task, at=next_digest_at(timezone.now()))
    return {"digests": written}


def ensure_digest_scheduled() -> bool:
    """Queue the next digest run (at the digest hour) unless one is queued or running; True if
    one was queued. Called when a worker starts, like ``ensure_sweeper_scheduled``: a run
    queued for 07:00 while no worker was up runs as soon as one starts."""
    return ensure_scheduled(digest_daily_task, at=next_digest_at(timezone.now()))
