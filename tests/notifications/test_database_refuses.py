"""PostgreSQL itself refuses the worker for a while (issue 20, item 2): the worker waits, its
heartbeat goes quiet and comes back, and the e-mail written meanwhile goes out afterwards.

Unlike ``test_database_outage`` (a TCP proxy cut), the server here is told to refuse:
``ALTER DATABASE … ALLOW_CONNECTIONS false`` turns every new connection away, and
``pg_terminate_backend`` ends the worker's open ones (both its main thread's and its heartbeat
thread's). The test keeps its own connection, opened before, and writes through it meanwhile,
as a web process that still holds a connection would.
"""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from openimi.notifications.models import OutboxMessage, WorkerHeartbeat
from openimi.notifications.services import outbox_enqueue
from tests.notifications.test_worker_kill import start_worker, stop, wait_for, worker_environment
from tests.smtp import SmtpSink

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

REFUSED_SECONDS = 8


def allow_connections(allow: bool) -> None:
    """Through the ``postgres`` database: PostgreSQL will not close the one it is connected to."""
    db = connection.settings_dict
    name = connection.ops.quote_name(db["NAME"])
    with psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS {'true' if allow else 'false'}")
        if not allow:  # every connection but the test's own (the worker's two)
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> %s",
                [db["NAME"], connection.connection.info.backend_pid],
            )


def test_the_worker_outlives_a_database_that_refuses_it(tmp_path):
    sink = SmtpSink()
    sink.start()
    env = {**worker_environment(sink, tmp_path), "WORKER_HEARTBEAT_SECONDS": "1"}
    env["WORKER_DB_RETRY_MAX_SECONDS"] = "1"
    worker = start_worker(env, "patient")
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
    beat = WorkerHeartbeat.objects.filter(worker_id="patient")
    try:
        outbox_enqueue(key="refuse:1", recipient_email="a@example.org", subject="1", body_text="1")
        wait_for(lambda: sent.filter(key="refuse:1").exists(), "the first e-mail", worker)
        wait_for(beat.exists, "the heartbeat", worker)

        allow_connections(False)
        refused_at = timezone.now()
        outbox_enqueue(key="refuse:2", recipient_email="b@example.org", subject="2", body_text="2")
        time.sleep(REFUSED_SECONDS)
        assert worker.poll() is None, "the worker waits instead of exiting"
        assert not sent.filter(key="refuse:2").exists()
        quiet = beat.get().last_seen
        assert quiet < refused_at + timezone.timedelta(seconds=1.5), "no beat got through"

        allow_connections(True)
        wait_for(lambda: sent.filter(key="refuse:2").exists(), "the second e-mail", worker)
        wait_for(lambda: beat.get().last_seen > quiet, "the heartbeat to come back", worker)
        assert worker.poll() is None
    finally:
        allow_connections(True)
        log = stop(worker)
        sink.stop()

    assert sorted(message["Subject"] for message in sink.messages) == ["1", "2"]
    assert "does not allow connections" in log or "database is unreachable" in log.lower()
