"""The tests' clock (``clock`` fixture): one, time-machine's, seen by every way of asking the
time: Django's ``timezone.now``, a module that imported ``now`` by name (django-axes), the
standard library's ``datetime`` and ``time``."""

import datetime as dt
import time

import axes.handlers.proxy
from django.utils import timezone

import tests.accounts.conftest
import tests.notifications.conftest
from tests.notifications.conftest import clock  # noqa: F401 - fixture


def test_the_login_tests_and_the_outbox_tests_share_one_clock():
    assert tests.accounts.conftest.clock is tests.notifications.conftest.clock


def test_every_way_of_asking_the_time_sees_the_moved_clock(clock):  # noqa: F811
    start = clock.now
    moved = clock.advance(days=3, hours=2)
    assert moved == start + dt.timedelta(days=3, hours=2)
    assert clock.now == moved
    assert timezone.now() == moved
    assert axes.handlers.proxy.now() == moved  # imported by name: no chasing needed
    assert dt.datetime.now(dt.UTC) == moved
    assert abs(time.time() - moved.timestamp()) < 1
    assert timezone.localdate() == timezone.localtime(moved).date()


def test_it_stands_still_until_told(clock):  # noqa: F811
    before = clock.now
    time.sleep(0.01)
    assert timezone.now() == before


def test_it_can_be_set(clock):  # noqa: F811
    when = dt.datetime(2026, 3, 2, 22, 59, tzinfo=dt.UTC)
    clock.now = when
    assert timezone.now() == when
    assert timezone.localdate() == dt.date(2026, 3, 2)
