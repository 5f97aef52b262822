"""Fixtures for the outbox tests: a real SMTP sink, the clock (``tests/clock.py``), and the real
worker."""

import signal
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command

from tests.clock import clock  # noqa: F401 - makes the fixture available here
from tests.smtp import smtp_sink  # noqa: F401 - makes the fixture available here

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
