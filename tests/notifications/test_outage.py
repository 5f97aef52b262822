# ruff: noqa: F811 - the fixtures imported above are parameters of the tests
"""The mail server goes down while requests move on: when it is back, every e-mail the
transitions wrote is delivered, and exactly once (counted by Message-ID at the real sink)."""

from collections import Counter

import pytest

from openimi.exchange import services
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.notifications.tasks import outbox_message_id
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401

# transaction=True: db_worker closes and reopens database connections between tasks.
pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboxMessage.Status


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.OUTBOX_BACKOFF_SECONDS = 60
    settings.OUTBOX_SEND_LEASE_SECONDS = 300


def test_every_email_is_delivered_once_after_an_outage(
    world, make_request, smtp_sink, clock, run_worker
):
    smtp_sink.stop()
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    services.request_accept(info_request=info_request, actor=world["resp_handler"])
    services.request_request_info(
        info_request=info_request, actor=world["resp_handler"], text="Which branch?", language="en"
    )
    expected = {
        outbox_message_id(key) for key in OutboxMessage.objects.values_list("key", flat=True)
    }
    assert len(expected) >= 5

    run_worker()  # the server refuses connections: every attempt fails and is retried later
    assert smtp_sink.messages == []
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}

    clock.advance(seconds=30)
    run_worker()  # too early for the retry
    assert smtp_sink.messages == []

    smtp_sink.start()
    clock.advance(seconds=60)
    run_worker()
    clock.advance(minutes=30)
    run_worker(sweeper=True)  # the sweeper must not bring any of them back
    run_worker()

    received = Counter(message["Message-ID"] for message in smtp_sink.messages)
    assert set(received) == expected
    assert set(received.values()) == {1}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
