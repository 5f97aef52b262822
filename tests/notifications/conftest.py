"""Fixtures for the outbox tests: a real SMTP sink, a controllable clock, and the real worker."""

import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.smtp import smtp_sink  # noqa: F401 - makes the fixture available here


@dataclass
class Clock:
    """The time every ``timezone.now()`` call sees; moves only when told to."""

    now: datetime

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Freeze ``django.utils.timezone.now`` at the real time; ``clock.advance(seconds=…)``.

    Our code, Django's ``auto_now`` fields and django-tasks-db all call ``timezone.now()``
    through the module, so they all see the same moved clock (design rule 7).
    """
    frozen = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


_WORKER_SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


@pytest.fixture
def run_worker() -> Iterator[Callable[..., None]]:
    """Run the real ``openimi worker --batch``: every task due now, in this process.

    db_worker installs its own signal handlers; they are put back afterwards so Ctrl-C still
    reaches pytest.
    """
    saved = {signum: signal.getsignal(signum) for signum in _WORKER_SIGNALS}

    def run(*, sweeper: bool = False, **options: object) -> None:
        if not sweeper:
            options["sweeper"] = False
        call_command("worker", batch=True, interval=0, verbosity=0, **options)

    yield run
    for signum, handler in saved.items():
        signal.signal(signum, handler)
