"""Reads about the personal-data lifecycle for pages: when a request's personal data goes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import FINAL_STATES
from openimi.retention import schedule
from openimi.retention.models import RetentionState


@dataclass(frozen=True)
class RemovalNotice:
    """What the list and the request page say in the last days before the data goes."""

    step: str  # "block" or "delete"
    at: dt.datetime

    @property
    def on(self) -> dt.date:
        return timezone.localdate(self.at)


def personal_data_removal(info_request: InformationRequest) -> RemovalNotice | None:
    """When the request's personal data is next blocked or deleted (``None`` while open or
    once deleted). Lists select ``area`` and ``retention`` with the requests (no query per row)."""
    if info_request.status not in FINAL_STATES or info_request.closed_at is None:
        return None
    try:
        state = info_request.retention
    except RetentionState.DoesNotExist:
        state = None
    if state is not None and state.deleted_at is not None:
        return None
    plan = schedule.schedule_for(info_request.area.code, info_request.closed_at)
    step, at = plan.next_step(blocked=bool(state and state.blocked_at))
    return RemovalNotice(step, at)


def removal_notice(
    info_request: InformationRequest, *, now: dt.datetime | None = None
) -> RemovalNotice | None:
    """The removal, if it is ``RETENTION_NOTICE_DAYS`` or fewer days away."""
    removal = personal_data_removal(info_request)
    now = now or timezone.now()
    if removal is None or removal.at - now > dt.timedelta(days=settings.RETENTION_NOTICE_DAYS):
        return None
    return removal


def personal_data_removed_at(info_request: InformationRequest) -> dt.datetime | None:
    """When the retention job took the request's personal data out of the exchange (blocked
    or deleted, whichever came first), or ``None``. Reads ``info_request.retention``, which
    the request selectors join."""
    try:
        state = info_request.retention
    except RetentionState.DoesNotExist:
        return None
    if state is None:
        return None
    moments = [moment for moment in (state.blocked_at, state.deleted_at) if moment]
    return min(moments) if moments else None
