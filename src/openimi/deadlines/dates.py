"""Deadline arithmetic: the one place that counts days (working or calendar days).

``DEADLINES_WORKING_DAYS`` chooses: with working days, Saturdays and Sundays are not
counted (public holidays differ per country and are not modelled). Every deadline, reminder
and escalation date in openimi is computed here.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

_SATURDAY = 5


def _counts(day: dt.date) -> bool:
    return not settings.DEADLINES_WORKING_DAYS or day.weekday() < _SATURDAY


def add_days(start: dt.date, days: int) -> dt.date:
    """``days`` counted days after ``start`` (before it when negative)."""
    step = 1 if days >= 0 else -1
    day, remaining = start, abs(days)
    while remaining:
        day += dt.timedelta(days=step)
        if _counts(day):
            remaining -= 1
    return day


def acceptance_days(area_code: str) -> int:
    """Days to accept or forward a request of the area (``DEADLINES_ACCEPTANCE_DAYS``)."""
    configured = settings.DEADLINES_ACCEPTANCE_DAYS
    return int(configured.get(area_code, configured.get("*", 7)))


def acceptance_deadline(*, area_code: str, sent_on: dt.date) -> dt.date:
    """The date by which a request sent on ``sent_on`` must be accepted or forwarded."""
    return add_days(sent_on, acceptance_days(area_code))


def reminder_due(deadline: dt.date, today: dt.date) -> int | None:
    """The reminder due today for ``deadline``: its lead time in days, or ``None``.

    Of the lead times whose date has come (``DEADLINES_REMINDER_DAYS``), the shortest: a job
    that did not run for a few days sends one reminder, not a burst of stale ones.
    """
    if today > deadline:
        return None
    reached = [
        lead for lead in settings.DEADLINES_REMINDER_DAYS if add_days(deadline, -lead) <= today
    ]
    return min(reached) if reached else None


def escalation_date(deadline: dt.date) -> dt.date:
    """The day a request still overdue is reported to the supervising coordinator."""
    return add_days(deadline, settings.DEADLINES_ESCALATION_AFTER_DAYS)


def lookahead_days() -> int:
    """Calendar days ahead within which a deadline may need a reminder today."""
    longest = max(settings.DEADLINES_REMINDER_DAYS, default=0)
    return longest * 7 // 5 + 3 if settings.DEADLINES_WORKING_DAYS else longest
