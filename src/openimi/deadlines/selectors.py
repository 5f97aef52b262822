"""The overdue flag, for every list: a filter, an annotation and a check on one request.

A request is overdue for *acceptance* while it awaits acceptance after its acceptance
deadline, and overdue for *reply* while the responding authority still owes the answer after
the agreed reply date. The dates themselves come from ``deadlines.dates``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import State

ACCEPTANCE_STATES = frozenset({State.AWAITING_ACCEPTANCE})
# The responding authority owes the answer (answered requests wait for the requester).
REPLY_STATES = frozenset(
    {
        State.AWAITING_ACCEPTANCE,
        State.ACCEPTED,
        State.AWAITING_INFORMATION,
        State.ANSWER_AWAITING_APPROVAL,
    }
)
ACCEPTANCE, REPLY = "acceptance", "reply"


def overdue_q(today: dt.date | None = None) -> Q:
    """The filter "overdue today" (acceptance or reply)."""
    today = today or timezone.localdate()
    return Q(status__in=list(ACCEPTANCE_STATES), acceptance_deadline__lt=today) | Q(
        status__in=list(REPLY_STATES), reply_by__lt=today
    )


def with_overdue(
    requests: QuerySet[InformationRequest], today: dt.date | None = None
) -> QuerySet[InformationRequest]:
    """``requests`` with ``is_overdue`` annotated (no extra query per row)."""
    return requests.annotate(
        is_overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def overdue_kinds(info_request: InformationRequest, today: dt.date | None = None) -> list[str]:
    """Which deadlines of the request are past: ``["acceptance"]``, ``["reply"]``, both or none."""
    today = today or timezone.localdate()
    kinds = []
    deadline = info_request.acceptance_deadline
    if info_request.status in ACCEPTANCE_STATES and deadline and deadline < today:
        kinds.append(ACCEPTANCE)
    if (
        info_request.status in REPLY_STATES
        and info_request.reply_by
        and info_request.reply_by < today
    ):
        kinds.append(REPLY)
    return kinds


def is_overdue(info_request: InformationRequest, today: dt.date | None = None) -> bool:
    return bool(overdue_kinds(info_request, today))
