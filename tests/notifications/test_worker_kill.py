"""A worker is killed (SIGKILL) in the middle of a delivery; a new worker recovers, and every
e-mail arrives, counted by Message-ID at a real SMTP server.

A real ``openimi worker`` runs as a subprocess on the test database. The SMTP sink holds one
conversation open at a chosen stage until the test lets it go; while it is held, the worker is
killed. The sweeper of the next worker marks the dead worker's task failed and queues the
message again once its lease has run out (short settings through the environment).

What the outbox guarantees (``notifications.tasks``):

- killed **before the server has the whole message** (here: during RCPT): every e-mail is
  delivered exactly once;
- killed **after the worker read the server's "250" for the message** (here: while it says
  goodbye, QUIT): the worker wrote "sent" before saying goodbye, so it is delivered exactly
  once; the at-least-once window below is that one UPDATE long;
- killed **after the server has the whole message but before the worker wrote "sent"** (here:
  the server has the data and has not answered yet): that one e-mail is delivered twice, both
  copies with the same ``Message-ID`` (derived from the outbox key), so that mail clients and
  servers that drop duplicates show it once. Delivery is at-least-once; no e-mail is lost and
  no other is repeated. Exactly-once is impossible here without the server's help: the worker
  cannot know whether the server kept a message it never confirmed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue
from openimi.notifications.tasks import outbox_message_id
from tests.smtp import SmtpSink, _Handler

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the test and a worker process share the database at once; "
        "SQLite locks the whole file (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

REPO = Path(__file__).resolve().parents[2]
MESSAGES = 5
TIMEOUT = 40


class HoldingHandler(_Handler):
    """Holds the first conversation at ``stage`` ("rcpt", "data" or "quit") until ``release``
    is set.

    At "data" the server has the whole message and has kept it; only its "250" answer waits
    (and never reaches the client, which is dead by then).
    """

    def __init__(self, sink: SmtpSink, stage: str) -> None:
        super().__init__(sink)
        self.stage = stage
        self.held = threading.Event()  # a conversation is being held now
        self.release = threading.Event()
        self.done = False

    async def _hold(self, stage: str) -> None:
        if stage != self.stage or self.done:
            return
        self.done = True
        self.held.set()
        while not self.release.is_set():  # without blocking the server's event loop
            await asyncio.sleep(0.02)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        await self._hold("rcpt")
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        # Like a real server: the message is queued first, then "250" goes back. The worker
        # dies before it reads that answer.
        answer = await super().handle_DATA(server, session, envelope)
        await self._hold("data")
        return answer

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        await self._hold("quit")  # the worker has the "250" for the message by now
        return "221 Bye"


class HoldingSink(SmtpSink):
    def __init__(self, stage: str) -> None:
        super().__init__()
        self.handler = HoldingHandler(self, stage)

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self.handler, hostname=self.host, port=self.port)
            self._controller.start()


def worker_environment(sink: SmtpSink, var_dir: Path) -> dict[str, str]:
    """The test database and the sink, and short leases so recovery takes seconds."""
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{db['NAME']}",
        "DB_CONN_MAX_AGE": "0",
        "OPENIMI_VAR_DIR": str(var_dir),
        "SMTP_HOST": sink.host,
        "SMTP_PORT": str(sink.port),
        "SMTP_TIMEOUT_SECONDS": "10",
        "OUTBOX_SEND_LEASE_SECONDS": "2",
        "OUTBOX_SWEEP_GRACE_SECONDS": "1",
        "OUTBOX_SWEEP_INTERVAL_SECONDS": "1",
        "OUTBOX_STALE_AFTER_SECONDS": "3",
        "OUTBOX_BACKOFF_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }


def start_worker(env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "worker", "--interval", "0.1", "--worker-id", name],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop(process: subprocess.Popen[bytes]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.stderr.read().decode(errors="replace") if process.stderr else ""


def wait_for(condition: Any, what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"The worker stopped while waiting for {what}: {stop(process)}")
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}: {stop(process)}")
        time.sleep(0.05)


@pytest.mark.parametrize("stage", ["rcpt", "data", "quit"])
def test_a_killed_worker_loses_nothing(stage, tmp_path):
    sink = HoldingSink(stage)
    sink.start()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        keys = [f"kill-test:{stage}:{n}" for n in range(MESSAGES)]
        for n, key in enumerate(keys):
            outbox_enqueue(
                key=key,
                recipient_email=f"person{n}@example.org",
                subject=f"Message {n}",
                body_text="Text",
            )
        env = worker_environment(sink, tmp_path)

        first = start_worker(env, "doomed")
        workers.append(first)
        wait_for(sink.handler.held.is_set, "the held conversation", first)
        # At "quit" the worker has already written "sent"; before, the message is in flight.
        in_flight = OutboxMessage.objects.get(
            attempts=1,
            status=OutboxMessage.Status.SENT if stage == "quit" else OutboxMessage.Status.PENDING,
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
        sink.handler.release.set()

        second = start_worker(env, "rescuer")
        workers.append(second)
        sent = OutboxMessage.objects.filter(key__in=keys, status=OutboxMessage.Status.SENT)
        wait_for(lambda: sent.count() == MESSAGES, "every message to be sent", second)
        # A moment more, so that a duplicate the guarantee excludes would have shown up.
        time.sleep(1.5)
    finally:
        for process in workers:
            stop(process)
        sink.stop()

    received = Counter(message["Message-ID"] for message in sink.messages)
    expected = {outbox_message_id(key) for key in keys}
    assert set(received) == expected  # nothing lost, nothing foreign
    in_flight.refresh_from_db()
    assert in_flight.status == OutboxMessage.Status.SENT
    assert in_flight.attempts == (1 if stage == "quit" else 2)
    if stage in ("rcpt", "quit"):  # the server never had it, or the worker wrote it: once
        assert set(received.values()) == {1}
    else:  # the server had it: one duplicate, the same Message-ID, and only that one
        twice = outbox_message_id(in_flight.key)
        assert received[twice] == 2
        assert all(count == 1 for message_id, count in received.items() if message_id != twice)
        copies = [m for m in sink.messages if m["Message-ID"] == twice]
        assert copies[0]["Subject"] == copies[1]["Subject"] == in_flight.subject
