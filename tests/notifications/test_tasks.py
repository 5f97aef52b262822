"""The pure parts of delivery: the backoff schedule and the stable Message-ID."""

from datetime import timedelta

import pytest

from openimi.notifications.tasks import outbox_backoff, outbox_message_id


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 60), (2, 120), (3, 240), (9, 15360), (10, 21600), (200, 21600)],
)
def test_backoff_doubles_up_to_the_cap(attempts, seconds, settings):
    settings.OUTBOX_BACKOFF_SECONDS = 60
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 6 * 3600
    assert outbox_backoff(attempts) == timedelta(seconds=seconds)


def test_message_id_is_stable_and_hides_the_key():
    key = "event-1:someone@example.org"
    assert outbox_message_id(key) == outbox_message_id(key)
    assert outbox_message_id(key) != outbox_message_id("event-2:someone@example.org")
    assert "someone" not in outbox_message_id(key)
