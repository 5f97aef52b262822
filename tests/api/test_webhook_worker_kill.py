"""A worker is killed (SIGKILL) in the middle of a webhook delivery; a new worker recovers,
and every delivery arrives, counted by ``webhook-id`` at a real HTTP receiver.

As for the e-mail outbox (tests/notifications/test_worker_kill.py): a real ``openimi worker``
runs as a subprocess on the test database; the receiver holds one request at a chosen stage
until the test lets it go; while it is held, the worker is killed. The next worker's webhook
sweeper queues the delivery again once its lease has run out (short settings through the
environment).

- killed **before the receiver has read the request**: every delivery arrives exactly once;
- killed **after the receiver has the whole request but before it answered**: that one
  arrives twice, both with the same ``webhook-id`` (Standard Webhooks: receivers drop
  duplicates by it) and a valid signature. Delivery is at-least-once; none is lost.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection
from standardwebhooks import Webhook

from openimi.api import webhooks
from openimi.api.models import WebhookDelivery
from tests.notifications.test_worker_kill import start_worker, stop, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the test and a worker process share the database at once",
    ),
    pytest.mark.django_db(transaction=True),
]

REQUESTS = 3


class HoldingReceiver:
    """An HTTP receiver on 127.0.0.1 that holds its first request at ``stage`` ("before"
    reading it, or "after" reading it, before answering) until ``release`` is set."""

    def __init__(self, stage: str) -> None:
        self.stage = stage
        self.held = threading.Event()
        self.release = threading.Event()
        self.done = False
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                first = not receiver.done
                receiver.done = True
                if first and receiver.stage == "before":
                    receiver.hold()
                    return  # the sender is dead: nothing was read, nothing is answered
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {key.lower(): value for key, value in self.headers.items()}
                receiver.received.append((headers, body))
                if first:
                    receiver.hold()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/openimi"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold(self) -> None:
        self.held.set()
        self.release.wait(timeout=60)

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def worker_environment(var_dir: Path) -> dict[str, str]:
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
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "1",
        "WEBHOOK_TIMEOUT_SECONDS": "10",
        "WEBHOOK_SEND_LEASE_SECONDS": "2",
        "OUTBOX_SWEEP_GRACE_SECONDS": "1",
        "OUTBOX_SWEEP_INTERVAL_SECONDS": "1",
        "OUTBOX_STALE_AFTER_SECONDS": "3",
        "OUTBOX_BACKOFF_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }


@pytest.mark.parametrize("stage", ["before", "after"])
def test_a_killed_worker_loses_no_delivery(stage, world, make_request, settings, tmp_path):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    receiver = HoldingReceiver(stage)
    workers = []
    try:
        subscription = webhooks.subscription_create(
            actor=world["resp_lda"], url=receiver.url, event_types=["request.sent"]
        )
        for _ in range(REQUESTS):
            make_request("awaiting_acceptance")
        deliveries = WebhookDelivery.objects.filter(subscription=subscription)
        assert deliveries.count() == REQUESTS
        env = worker_environment(tmp_path)

        first = start_worker(env, "doomed")
        workers.append(first)
        wait_for(receiver.held.is_set, "the held request", first)
        in_flight = deliveries.get(attempts=1, status=WebhookDelivery.Status.PENDING)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
        receiver.release.set()

        second = start_worker(env, "rescuer")
        workers.append(second)
        delivered = deliveries.filter(status=WebhookDelivery.Status.DELIVERED)
        wait_for(lambda: delivered.count() == REQUESTS, "every delivery to arrive", second)
        time.sleep(1.5)  # a moment more, so that a duplicate the guarantee excludes shows up
    finally:
        for process in workers:
            stop(process)
        receiver.stop()

    received = Counter(headers["webhook-id"] for headers, _body in receiver.received)
    assert set(received) == {f"msg_{pk}" for pk in deliveries.values_list("pk", flat=True)}
    for headers, body in receiver.received:
        Webhook(subscription.secret).verify(body, headers)  # raises if not signed right
    in_flight.refresh_from_db()
    assert (in_flight.status, in_flight.attempts) == (WebhookDelivery.Status.DELIVERED, 2)
    if stage == "before":  # the receiver never had it: exactly once
        assert set(received.values()) == {1}
    else:  # the receiver had it: one duplicate with the same webhook-id, only that one
        assert received[f"msg_{in_flight.pk}"] == 2
        assert sum(received.values()) == REQUESTS + 1
