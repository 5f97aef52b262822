"""The three-day rule of the Professional Qualifications Directive (Article 56a): an alert is
sent within ``ALERT_SENDING_DEADLINE_DAYS`` calendar days of the decision it reports. Sending
is what counts, so the days the coordinator takes to validate are part of them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from openimi.alerts.types import kind_of

if TYPE_CHECKING:
    from openimi.alerts.models import Alert


def sending_deadline(alert: Alert) -> dt.date | None:
    """The last day to send the alert; None when its kind has no such rule or the decision
    date is not known yet."""
    if not kind_of(alert.alert_type).three_day_rule or alert.decision_date is None:
        return None
    return alert.decision_date + dt.timedelta(days=settings.ALERT_SENDING_DEADLINE_DAYS)


def sent_late(alert: Alert) -> bool:
    """Sent after its deadline."""
    deadline = sending_deadline(alert)
    return (
        deadline is not None
        and alert.sent_at is not None
        and timezone.localdate(alert.sent_at) > deadline
    )


def overdue(alert: Alert, *, today: dt.date | None = None) -> bool:
    """Not sent yet, and its deadline has passed."""
    deadline = sending_deadline(alert)
    if deadline is None or alert.sent_at is not None:
        return False
    return (today or timezone.localdate()) > deadline
