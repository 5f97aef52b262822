"""Two people acting on the same request at the same moment, on real concurrent connections.

Each thread has its own database connection (Django's connections are per thread) and its own
transaction. The services lock the request row (``SELECT … FOR UPDATE``) before checking the
state table, so the second waits for the first to commit, then sees the new status and is
refused with a clear message; nothing is lost and nothing happens twice.

A short pause is put inside the transaction, after the lock is taken, so that the two always
overlap; the test checks that PostgreSQL really made one of them wait for the row lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from openimi.exchange import events, services
from openimi.exchange.models import Answer, InformationRequest, RequestEvent
from openimi.exchange.workflow import State, TransitionNotAllowed
from openimi.notifications.models import OutboxMessage
from tests.exchange.conftest import answer_all

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so nothing runs concurrently "
        "(set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

PAUSE = 0.5


@pytest.fixture
def slow_events(monkeypatch):
    """Hold every transaction a moment after its lock, before it records its event."""
    record = events.record

    def slow_record(*args: Any, **kwargs: Any):
        time.sleep(PAUSE)
        return record(*args, **kwargs)

    monkeypatch.setattr(events, "record", slow_record)


def run_at_once(*calls: Callable[[], Any]) -> tuple[list[tuple[str, Any]], bool]:
    """Run ``calls`` in threads released together; returns each outcome ("ok"/"error",
    value) and whether PostgreSQL was seen making one of them wait for a lock."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[str, Any]] = [("pending", None)] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    saw_lock_wait = False
    deadline = time.monotonic() + PAUSE * 4
    with connection.cursor() as cursor:
        while any(thread.is_alive() for thread in threads) and time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            saw_lock_wait = saw_lock_wait or cursor.fetchone()[0] > 0
            time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=30)
    return outcomes, saw_lock_wait


def test_two_handlers_accept_at_the_same_moment(world, make_request, slow_events):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    first, second = world["resp_handler"], world["resp_handler2"]
    outbox_before = OutboxMessage.objects.count()

    outcomes, saw_lock_wait = run_at_once(
        lambda: services.request_accept(info_request=info_request, actor=first),
        lambda: services.request_accept(info_request=info_request, actor=second),
    )

    assert saw_lock_wait
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, TransitionNotAllowed)
    assert error.message == "This request was already accepted by someone else."
    info_request.refresh_from_db()
    assert info_request.status == State.ACCEPTED
    accepted = RequestEvent.objects.filter(info_request=info_request, code="request.accepted")
    assert accepted.count() == 1
    winner = next(value for kind, value in outcomes if kind == "ok")
    assert winner.status == State.ACCEPTED
    # One event's e-mails, not two.
    new_mail = OutboxMessage.objects.count() - outbox_before
    assert new_mail == OutboxMessage.objects.filter(event_code="request.accepted").count() > 0


def test_two_handlers_answer_at_the_same_moment(world, make_request, slow_events):
    info_request = make_request(State.ACCEPTED)
    answer_all(world, info_request)
    first, second = world["resp_handler"], world["resp_handler2"]

    outcomes, saw_lock_wait = run_at_once(
        lambda: services.request_answer(info_request=info_request, actor=first),
        lambda: services.request_answer(info_request=info_request, actor=second),
    )

    assert saw_lock_wait
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, TransitionNotAllowed)
    assert "already answered by someone else" in error.message
    info_request = InformationRequest.objects.get(pk=info_request.pk)
    assert info_request.status == State.ANSWERED
    assert (
        RequestEvent.objects.filter(info_request=info_request, code="request.answered").count() == 1
    )
    # Every answer is there, and sent.
    answers = Answer.objects.filter(request_question__info_request=info_request)
    assert answers.count() == 6
    assert not answers.filter(sent_at__isnull=True).exists()


def test_two_handlers_saving_different_answers_both_keep_their_work(
    world, make_request, slow_events
):
    info_request = make_request(State.ACCEPTED)
    s01 = info_request.request_questions.get(question__code="S-01")
    s02 = info_request.request_questions.get(question__code="S-02")

    outcomes, saw_lock_wait = run_at_once(
        lambda: services.answer_save(
            info_request=info_request, actor=world["resp_handler"], request_question=s01, value="no"
        ),
        lambda: services.answer_save(
            info_request=info_request,
            actor=world["resp_handler2"],
            request_question=s02,
            value="yes",
        ),
    )

    assert saw_lock_wait
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert Answer.objects.get(request_question=s01).value == "no"
    assert Answer.objects.get(request_question=s02).value == "yes"


def test_two_handlers_editing_the_same_answer_cannot_overwrite_each_other(
    world, make_request, slow_events
):
    info_request = make_request(State.ACCEPTED)
    s01 = info_request.request_questions.get(question__code="S-01")
    start = services.answer_save(
        info_request=info_request, actor=world["resp_handler"], request_question=s01, value="yes"
    )

    def save(actor, value):
        return lambda: services.answer_save(
            info_request=info_request,
            actor=actor,
            request_question=s01,
            value=value,
            base_version=start.version,
        )

    outcomes, _ = run_at_once(save(world["resp_handler"], "no"), save(world["resp_handler2"], "no"))

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.ConcurrentChangeError)
    assert Answer.objects.get(request_question=s01).version == start.version + 1
