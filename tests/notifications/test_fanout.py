# ruff: noqa: F811 - the fixtures imported above are parameters of the tests
"""The fan-out of one event to many recipients: the sender's transaction runs the same number of
queries for 5 request handlers as for 50, yet every handler gets exactly one e-mail in their
language, and those who chose the daily digest are held."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from openimi.accounts.models import Role
from openimi.exchange import services
from openimi.exchange.workflow import State
from openimi.notifications.models import NotificationPreference, OutboxMessage
from openimi.notifications.services import notification_preference_set, outbox_enqueue_many
from openimi.notifications.tasks import (
    DELIVERY_BATCH_SIZE,
    _claim,
    enqueue_deliveries,
    outbox_deliver_many_task,
)
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401
from tests.factories import UserFactory

Status = OutboxMessage.Status
DIGEST = NotificationPreference.Frequency.DAILY_DIGEST
LANGUAGES = ("en", "nl", "de")


def add_handlers(world, count: int, *, digest_every: int = 0) -> list:
    """``count`` more request handlers of the responding authority for the area, in turn in
    each language; with ``digest_every``, every so many chose the daily digest."""
    handlers = []
    for index in range(count):
        user = UserFactory(
            authority=world.responding,
            language=LANGUAGES[index % len(LANGUAGES)],
            roles=[(Role.REQUEST_HANDLER, world.area)],
        )
        if digest_every and index % digest_every == 0:
            notification_preference_set(user=user, email_frequency=DIGEST)
        handlers.append(user)
    return handlers


def sent_to(info_request) -> dict[str, OutboxMessage]:
    rows = OutboxMessage.objects.filter(
        event_code="request.sent",
        key__startswith="exchange:",
        link__endswith=f"/{info_request.pk}/",
    )
    return {row.recipient_email: row for row in rows}


@pytest.mark.django_db
def test_the_send_takes_as_many_queries_for_50_handlers_as_for_5(
    world, make_request, django_assert_num_queries
):
    # world has two handlers at the responding authority: three more make five.
    add_handlers(world, 3, digest_every=2)
    services.request_send(info_request=make_request(State.DRAFT), actor=world["handler"])  # warm
    five = make_request(State.DRAFT)
    with CaptureQueriesContext(connection) as few:
        services.request_send(info_request=five, actor=world["handler"])
    assert len(sent_to(five)) == 5 + 1  # and the general address

    add_handlers(world, 45, digest_every=2)
    fifty = make_request(State.DRAFT)
    with django_assert_num_queries(len(few.captured_queries)):
        services.request_send(info_request=fifty, actor=world["handler"])
    mails = sent_to(fifty)
    assert len(mails) == 50 + 1
    assert {row.language for row in mails.values()} >= set(LANGUAGES)
    assert {row.status for row in mails.values()} == {Status.PENDING, Status.HELD}


@pytest.mark.django_db
def test_writing_the_same_messages_twice_writes_and_queues_once(world):
    def messages():
        return [
            OutboxMessage(
                key=f"fanout-test:{index}",
                recipient_email=f"person{index}@example.org",
                subject="Hello\nthere",
                body_text="Text",
            )
            for index in range(3)
        ]

    written = outbox_enqueue_many(messages=messages())
    assert [message.pk for message in written] == list(
        OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)
    )
    assert {message.subject for message in OutboxMessage.objects.all()} == {"Hello there"}
    [task] = DBTaskResult.objects.all()
    assert task.task_path == outbox_deliver_many_task.module_path
    assert sorted(task.args_kwargs["args"][0]) == sorted(message.pk for message in written)

    assert outbox_enqueue_many(messages=messages()) == []
    assert OutboxMessage.objects.count() == 3
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_one_delivery_task_per_batch(world):
    enqueue_deliveries(list(range(1, 2 * DELIVERY_BATCH_SIZE + 2)))
    sizes = sorted(len(task.args_kwargs["args"][0]) for task in DBTaskResult.objects.all())
    assert sizes == [1, DELIVERY_BATCH_SIZE, DELIVERY_BATCH_SIZE]


@pytest.mark.django_db(transaction=True)
def test_every_handler_gets_one_e_mail_and_digest_users_are_held(
    world, make_request, smtp_sink, run_worker
):
    handlers = [world["resp_handler"], world["resp_handler2"]]
    handlers += add_handlers(world, 48, digest_every=5)
    digest_users = set(
        NotificationPreference.objects.filter(email_frequency=DIGEST).values_list(
            "user__email", flat=True
        )
    )
    assert len(digest_users) == 10

    info_request = make_request(State.DRAFT)
    services.request_send(info_request=info_request, actor=world["handler"])
    run_worker()

    received = Counter(message["To"] for message in smtp_sink.messages)
    expected = {user.email for user in handlers} - digest_users | {world.responding.email}
    assert set(received) == expected
    assert set(received.values()) == {1}
    mails = sent_to(info_request)
    assert {email for email, row in mails.items() if row.status == Status.HELD} == digest_users
    assert {row.status for email, row in mails.items() if email in expected} == {Status.SENT}
    by_language = {
        message["Content-Language"]: message["Subject"] for message in smtp_sink.messages
    }
    assert set(by_language) == set(LANGUAGES)
    # Each in its own language (openimi has no German translation: German falls back).
    assert by_language["nl"].startswith("Nieuw informatieverzoek")
    assert by_language["en"].startswith("New information request")


def three_messages() -> list[OutboxMessage]:
    return outbox_enqueue_many(
        messages=[
            OutboxMessage(
                key=f"fanout-test:{index}",
                recipient_email=f"person{index}@example.org",
                subject="Hello",
                body_text="Text",
            )
            for index in range(3)
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing(
    smtp_sink, run_worker, clock, settings
):
    first, *rest = three_messages()
    # What a worker killed while sending the first message leaves: its task RUNNING, the first
    # message claimed, the others never reached.
    DBTaskResult.objects.get(task_path=outbox_deliver_many_task.module_path).claim("killed")
    assert _claim(first.pk) is not None

    run_worker()  # nothing is due: the task is RUNNING
    clock.advance(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + 1)
    run_worker(sweeper=True)  # the ones never reached are overdue: queued again and sent
    assert sorted(message["To"] for message in smtp_sink.messages) == sorted(
        message.recipient_email for message in rest
    )

    # Past the lease of the first one too.
    clock.advance(seconds=settings.OUTBOX_SEND_LEASE_SECONDS + 1)
    run_worker(sweeper=True)
    received = Counter(message["To"] for message in smtp_sink.messages)
    assert received == Counter(f"person{index}@example.org" for index in range(3))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    first.refresh_from_db()
    assert first.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_batch_task_is_harmless(smtp_sink, run_worker):
    messages = three_messages()
    outbox_deliver_many_task.enqueue([message.pk for message in messages])

    run_worker()

    assert len(smtp_sink.messages) == 3
    outcomes = DBTaskResult.objects.values_list("return_value", flat=True)
    assert sorted(outcomes, key=str) == [{"sent": 3}, {"skipped": 3}]
