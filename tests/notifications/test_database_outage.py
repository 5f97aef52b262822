"""The database is unreachable for a while: the worker waits, reconnects, and the e-mail that
was written meanwhile still goes out (issue 15, item 7).

A real ``openimi worker`` runs as a subprocess and reaches PostgreSQL only through a small TCP
proxy on 127.0.0.1 that the test closes (every open connection cut, new ones refused) for 15
seconds and then opens again on the same port. The PostgreSQL server itself is never touched;
the test's own connection goes to it directly, so the e-mail can be written during the outage,
as the web processes of another machine would.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue
from openimi.notifications.tasks import outbox_sweep_task
from tests.notifications.test_worker_kill import start_worker, stop, wait_for, worker_environment
from tests.smtp import SmtpSink

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: a worker process shares the database with the test; "
        "(set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

OUTAGE_SECONDS = 15
LOCALHOST = "127.0.0.1"


class TcpProxy:
    """Forwards connections from a local port to ``target``; ``stop`` cuts every connection
    and refuses new ones (nothing listens), ``start`` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOCALHOST, self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown wakes the thread blocked in accept() (close alone would not, on Linux)
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:  # closed by stop()
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def test_the_worker_waits_for_the_database_and_then_sends(tmp_path):
    db = connection.settings_dict
    proxy = TcpProxy((db.get("HOST") or LOCALHOST, int(db.get("PORT") or 5432)))
    proxy.start()
    sink = SmtpSink()
    sink.start()
    env = worker_environment(sink, tmp_path)
    # Through the proxy, with connections kept between tasks as `make run` does.
    env["DATABASE_URL"] = env["DATABASE_URL"].replace(
        f"@{db.get('HOST') or LOCALHOST}:{db.get('PORT') or 5432}/", f"@{LOCALHOST}:{proxy.port}/"
    )
    assert f":{proxy.port}/" in env["DATABASE_URL"]
    env["DB_CONN_MAX_AGE"] = "60"
    env["OUTBOX_STALE_AFTER_SECONDS"] = "600"  # the default: the sweeper fails no task here
    worker = start_worker(env, "patient")
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
    try:
        outbox_enqueue(
            key="outage:before", recipient_email="a@example.org", subject="Before", body_text="1"
        )
        wait_for(lambda: sent.filter(key="outage:before").exists(), "the first e-mail", worker)

        # A sweep this worker had claimed when the database went away (as db_worker leaves
        # it): after reconnecting, the worker marks it failed, so the sweeper is queued anew.
        with transaction.atomic():
            caught = outbox_sweep_task.using(run_after=timezone.now() + timedelta(days=1)).enqueue()
            DBTaskResult.objects.filter(pk=caught.id).update(
                status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=["patient"]
            )
        proxy.stop()  # the database is unreachable for the worker from now on
        cut_at = time.monotonic()
        outbox_enqueue(
            key="outage:during", recipient_email="b@example.org", subject="During", body_text="2"
        )
        while time.monotonic() - cut_at < OUTAGE_SECONDS:
            if worker.poll() is not None:
                pytest.fail(f"The worker stopped during the outage: {stop(worker)}")
            time.sleep(0.2)
        assert not sent.filter(key="outage:during").exists()

        proxy.start()  # reachable again, on the same address
        wait_for(lambda: sent.filter(key="outage:during").exists(), "the second e-mail", worker)
        assert worker.poll() is None, "the worker is still running"
        assert DBTaskResult.objects.get(pk=caught.id).status == TaskResultStatus.FAILED
    finally:
        log = stop(worker)
        proxy.stop()
        sink.stop()

    subjects = [message["Subject"] for message in sink.messages]
    assert subjects == ["Before", "During"]
    assert "database" in log.lower()  # it said why it was waiting
