"""The domain's own figures for ``/metrics/`` and the readiness check: each one cheap query,
computed when asked (at scrape time), the same whichever process answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, DateTimeField, F, Min, Q, When
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from openimi.accounts.models import SecurityEvent
from openimi.deadlines.selectors import overdue_q
from openimi.exchange.models import InformationRequest
from openimi.notifications.models import OutboxMessage
from openimi.retention.periodic import last_success_at
from openimi.retention.tasks import retention_daily_task

_HOUR = dt.timedelta(hours=1)


def _due_pending(now: dt.datetime) -> Q:
    """Pending e-mails that are due: waiting for their first attempt since their time came,
    or tried already (in backoff or in flight: late in any case)."""
    return Q(status=OutboxMessage.Status.PENDING) & (
        Q(attempts__gt=0) | Q(next_attempt_at__lte=now)
    )


# Since when a due e-mail waits: its time (first attempt) or its creation (tried already).
_DUE_SINCE = Case(
    When(attempts=0, then=F("next_attempt_at")),
    default=F("created_at"),
    output_field=DateTimeField(),
)


@dataclass(frozen=True)
class OutboxFigures:
    pending: int
    held: int
    failed: int
    oldest_due_age: dt.timedelta | None


def outbox_figures(*, now: dt.datetime) -> OutboxFigures:
    """Pending, held (for the digest) and failed e-mails, and how long the oldest one due
    has waited: one query over the unsent rows (the index on status)."""
    row = OutboxMessage.objects.filter(
        status__in=[
            OutboxMessage.Status.PENDING,
            OutboxMessage.Status.HELD,
            OutboxMessage.Status.FAILED,
        ]
    ).aggregate(
        pending=Count("pk", filter=Q(status=OutboxMessage.Status.PENDING)),
        held=Count("pk", filter=Q(status=OutboxMessage.Status.HELD)),
        failed=Count("pk", filter=Q(status=OutboxMessage.Status.FAILED)),
        oldest=Min(_DUE_SINCE, filter=_due_pending(now)),
    )
    oldest = row["oldest"]
    return OutboxFigures(
        pending=row["pending"],
        held=row["held"],
        failed=row["failed"],
        oldest_due_age=max(now - oldest, dt.timedelta(0)) if oldest else None,
    )


def outbox_oldest_due_age(*, now: dt.datetime) -> dt.timedelta | None:
    """How long the oldest e-mail due has waited (None: nothing waits)."""
    oldest = OutboxMessage.objects.filter(_due_pending(now)).aggregate(oldest=Min(_DUE_SINCE))[
        "oldest"
    ]
    return max(now - oldest, dt.timedelta(0)) if oldest else None


def overdue_request_count(*, today: dt.date) -> int:
    """Requests past their acceptance or reply deadline (``deadlines.selectors``)."""
    return InformationRequest.objects.filter(overdue_q(today)).count()


def retention_last_success() -> dt.datetime | None:
    """When the daily retention job last ended without an error."""
    return last_success_at(retention_daily_task)


@dataclass(frozen=True)
class LoginFigures:
    succeeded: int
    failed: int
    locked: int


def login_figures(*, now: dt.datetime) -> LoginFigures:
    """Logins that succeeded and failed, and accounts locked, in the last hour (security
    log; the index on its time)."""
    codes = SecurityEvent.Code
    counts = dict(
        SecurityEvent.objects.filter(
            created_at__gte=now - _HOUR,
            event__in=[codes.LOGIN_SUCCEEDED, codes.LOGIN_FAILED, codes.ACCOUNT_LOCKED],
        )
        .values_list("event")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return LoginFigures(
        succeeded=counts.get(codes.LOGIN_SUCCEEDED, 0),
        failed=counts.get(codes.LOGIN_FAILED, 0),
        locked=counts.get(codes.ACCOUNT_LOCKED, 0),
    )


@dataclass(frozen=True)
class TaskFigures:
    queued: int
    running: int
    failed_last_hour: int


def task_figures(*, now: dt.datetime) -> TaskFigures:
    """Background tasks due and waiting, running, and failed in the last hour."""
    row = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING)
        | Q(status=TaskResultStatus.FAILED, finished_at__gte=now - _HOUR)
    ).aggregate(
        queued=Count(
            "pk",
            filter=Q(status=TaskResultStatus.READY)
            & (Q(run_after=get_date_max()) | Q(run_after__lte=now)),
        ),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
    )
    return TaskFigures(queued=row["queued"], running=row["running"], failed_last_hour=row["failed"])
