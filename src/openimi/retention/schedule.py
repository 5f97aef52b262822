"""When a request's personal data is blocked and deleted: the one place that computes it.

The lifecycle is chosen per legislative area (``RETENTION_LIFECYCLE``, keyed by area code,
``"*"`` for the rest); the periods count from the moment the request ended (``closed_at``:
closed, rejected or withdrawn) and are settings in months.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from openimi.retention.models import Lifecycle


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """``moment`` moved by whole calendar months (the 31st becomes the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def lifecycle_for(area_code: str) -> Lifecycle:
    """The lifecycle configured for the area (or for ``"*"``)."""
    configured = settings.RETENTION_LIFECYCLE
    value = configured.get(area_code, configured.get("*", Lifecycle.DELETE))
    try:
        return Lifecycle(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"RETENTION_LIFECYCLE: unknown lifecycle {value!r} for {area_code!r}; "
            f"use one of {', '.join(Lifecycle.values)}."
        ) from None


@dataclass(frozen=True)
class Schedule:
    lifecycle: Lifecycle
    block_at: dt.datetime | None
    delete_at: dt.datetime

    def next_step(self, *, blocked: bool) -> tuple[str, dt.datetime]:
        """``("block"|"delete", when)``: what happens next to data not yet deleted."""
        if self.block_at is not None and not blocked:
            return "block", self.block_at
        return "delete", self.delete_at


def schedule_for(area_code: str, closed_at: dt.datetime) -> Schedule:
    lifecycle = lifecycle_for(area_code)
    if lifecycle == Lifecycle.BLOCK_THEN_DELETE:
        return Schedule(
            lifecycle,
            add_months(closed_at, settings.RETENTION_BLOCK_AFTER_MONTHS),
            add_months(closed_at, settings.RETENTION_BLOCKED_DELETE_AFTER_MONTHS),
        )
    return Schedule(lifecycle, None, add_months(closed_at, settings.RETENTION_DELETE_AFTER_MONTHS))


def cutoffs(area_code: str, now: dt.datetime) -> tuple[Lifecycle, dt.datetime | None, dt.datetime]:
    """Requests that ended at or before these moments are due: ``(lifecycle, block, delete)``.

    The inverse of ``schedule_for``: ``add_months(closed_at, n) <= now`` exactly when
    ``closed_at <= add_months(now, -n)`` for all but month-end days, which only ever move a
    request's turn by a day or two towards later.
    """
    lifecycle = lifecycle_for(area_code)
    if lifecycle == Lifecycle.BLOCK_THEN_DELETE:
        return (
            lifecycle,
            add_months(now, -settings.RETENTION_BLOCK_AFTER_MONTHS),
            add_months(now, -settings.RETENTION_BLOCKED_DELETE_AFTER_MONTHS),
        )
    return lifecycle, None, add_months(now, -settings.RETENTION_DELETE_AFTER_MONTHS)
