"""The tests' clock: time-machine, so every way of asking the time (Django's
``timezone.now``, a module that imported ``now`` by name, ``datetime``, ``time.time``) sees the
same moved time, with no module to chase. ``time.monotonic`` keeps running (timeouts, asyncio).

    def test_x(clock):
        clock.advance(days=3)   # returns the new now
        clock.now = when        # jump to a moment
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone


class Clock:
    """The frozen time; moves only when told to."""

    def __init__(self, traveller: time_machine.Traveller):
        self._traveller = traveller

    @property
    def now(self) -> datetime:
        return timezone.now()

    @now.setter
    def now(self, when: datetime) -> None:
        self._traveller.move_to(when, tick=False)

    def advance(self, **delta: float) -> datetime:
        self._traveller.shift(timedelta(**delta))
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Freeze the time at the real time now; ``clock.advance(seconds=…)`` moves it."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield Clock(traveller)
