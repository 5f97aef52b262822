"""Deadlines with frozen and advanced time: date arithmetic, the overdue flag, reminders and
the escalation to the late authority's supervising coordinator, each at the right moment and
once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openimi.deadlines import dates
from openimi.deadlines.selectors import is_overdue, overdue_kinds, with_overdue
from openimi.deadlines.services import deadline_check
from openimi.exchange import services
from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.retention.periodic import ensure_scheduled
from openimi.retention.tasks import ensure_periodic_jobs_scheduled

FRIDAY = dt.date(2031, 3, 7)


@pytest.mark.parametrize(
    ("working_days", "days", "expected"),
    [
        (False, 7, dt.date(2031, 3, 14)),
        (True, 1, dt.date(2031, 3, 10)),  # Friday + 1 working day = Monday
        (True, 7, dt.date(2031, 3, 18)),
        (True, -1, dt.date(2031, 3, 6)),
        (True, 0, FRIDAY),
    ],
)
def test_add_days(settings, working_days, days, expected):
    settings.DEADLINES_WORKING_DAYS = working_days
    assert dates.add_days(FRIDAY, days) == expected


def test_acceptance_deadline_per_area(settings):
    settings.DEADLINES_ACCEPTANCE_DAYS = {"*": 7, "professional_qualifications": 10}
    assert dates.acceptance_deadline(area_code="services", sent_on=FRIDAY) == dt.date(2031, 3, 14)
    assert dates.acceptance_deadline(
        area_code="professional_qualifications", sent_on=FRIDAY
    ) == dt.date(2031, 3, 17)


def test_reminder_due_sends_only_the_latest_lead(settings):
    settings.DEADLINES_REMINDER_DAYS = [3, 1]
    deadline = dt.date(2031, 3, 20)
    assert dates.reminder_due(deadline, dt.date(2031, 3, 16)) is None
    assert dates.reminder_due(deadline, dt.date(2031, 3, 17)) == 3
    assert dates.reminder_due(deadline, dt.date(2031, 3, 19)) == 1
    assert dates.reminder_due(deadline, dt.date(2031, 3, 20)) == 1
    assert dates.reminder_due(deadline, dt.date(2031, 3, 21)) is None


def mails(code: str) -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(event_code=code).values_list("recipient_email", flat=True)
    )


def test_acceptance_reminder_overdue_and_escalation(world, make_request, clock, settings):
    settings.DEADLINES_REMINDER_DAYS = [2]
    settings.DEADLINES_ESCALATION_AFTER_DAYS = 5
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    deadline = info_request.acceptance_deadline
    today = timezone.localdate()
    assert deadline == today + dt.timedelta(days=7)

    clock.advance(days=4)  # three days before the deadline: nothing yet
    assert deadline_check().reminders == 0
    clock.advance(days=1)  # two days before
    handlers = sorted(world[name].email.lower() for name in ("resp_handler", "resp_handler2"))
    assert deadline_check().reminders == 3
    assert mails("deadline.reminder") == sorted([*handlers, "imi@koeln.de"])
    assert deadline_check().reminders == 0  # once
    message = OutboxMessage.objects.filter(event_code="deadline.reminder").first()
    assert str(info_request.pk) in message.subject and "Bouwbedrijf" not in message.body_text

    clock.advance(days=2)  # the deadline itself: not yet overdue
    assert not is_overdue(InformationRequest.objects.get(pk=info_request.pk))
    clock.advance(days=1)
    fresh = InformationRequest.objects.get(pk=info_request.pk)
    assert overdue_kinds(fresh) == ["acceptance"]
    assert with_overdue(InformationRequest.objects.filter(pk=fresh.pk)).get().is_overdue

    clock.advance(days=3)  # overdue four days: no escalation yet
    assert deadline_check().escalations == 0
    clock.advance(days=1)  # five days after the deadline
    assert deadline_check().escalations == 2
    coordinator_handler = world["resp_coord_handler"].email.lower()
    assert mails("deadline.escalation") == sorted(
        [coordinator_handler, "imi-koordinator@bund.example"]
    )
    assert deadline_check().escalations == 0
    escalation = OutboxMessage.objects.get(recipient_email=coordinator_handler)
    assert escalation.language == "de"


def test_accepting_stops_acceptance_deadlines_and_starts_the_reply_date(
    world, make_request, clock, settings
):
    settings.DEADLINES_REMINDER_DAYS = [2]
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    reply_by = timezone.localdate() + dt.timedelta(days=20)
    services.request_accept(
        info_request=info_request, actor=world["resp_handler"], reply_by=reply_by
    )
    clock.advance(days=10)  # past the acceptance deadline, but accepted
    fresh = InformationRequest.objects.get(pk=info_request.pk)
    assert not is_overdue(fresh)
    assert deadline_check().reminders == 0
    clock.advance(days=8)  # two days before the agreed reply date
    assert deadline_check().reminders == 3
    assert all(
        ":reply:" in key
        for key in OutboxMessage.objects.filter(event_code="deadline.reminder").values_list(
            "key", flat=True
        )
    )
    clock.advance(days=3)
    assert overdue_kinds(InformationRequest.objects.get(pk=info_request.pk)) == ["reply"]


def test_answered_and_closed_requests_are_not_overdue(make_request, clock):
    answered, closed = make_request(State.ANSWERED), make_request(State.CLOSED)
    clock.advance(days=60)
    flagged = with_overdue(InformationRequest.objects.filter(pk__in=[answered.pk, closed.pk]))
    assert [r.is_overdue for r in flagged] == [False, False]
    assert deadline_check().reminders == 0 and deadline_check().escalations == 0


def test_working_days_move_the_reminder(world, make_request, clock, settings):
    settings.DEADLINES_WORKING_DAYS = True
    settings.DEADLINES_REMINDER_DAYS = [2]
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    deadline = info_request.acceptance_deadline
    reminder_day = dates.add_days(deadline, -2)
    while timezone.localdate() < reminder_day - dt.timedelta(days=1):
        clock.advance(days=1)
    assert deadline_check().reminders == 0
    while timezone.localdate() < reminder_day:
        clock.advance(days=1)
    assert deadline_check().reminders == 3


def test_periodic_jobs_are_scheduled_once(db):
    from openimi.deadlines.tasks import deadline_check_task

    assert sorted(ensure_periodic_jobs_scheduled()) == sorted(
        [
            "retention_daily_task",
            "task_results_prune_task",
            "deadline_check_task",
            "alert_reminders_task",
        ]
    )
    assert ensure_periodic_jobs_scheduled() == []
    assert ensure_scheduled(deadline_check_task) is False
