"""The heartbeat of one ``openimi worker``: a ``WorkerHeartbeat`` row that says it is alive.

A daemon thread touches the row every ``WORKER_HEARTBEAT_SECONDS``, whether the worker idles
or a long task (a slow mail server, the retention run) holds its main thread. The thread has
its own database connection (Django's connections are per thread) and closes it when it
stops. It survives a database outage: a beat that fails is logged and the next one opens a
new connection (and writes the row again, should it have been pruned meanwhile).

The task the worker runs is taken from django.tasks' ``task_started`` / ``task_finished``
signals, which db_worker sends from the main thread; the next beat writes it down.

Only this module and the sweeper's pruning (``notifications.tasks``) write the rows.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.tasks.signals import task_finished, task_started
from django.utils import timezone

from openimi.notifications.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class Heartbeat:
    """``start()`` writes the row and starts the thread; ``stop()`` ends both."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.hostname = socket.gethostname()[:255]
        self.pid = os.getpid()
        self.started_at = timezone.now()
        self._task: tuple[str, str] = ("", "")
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        task_started.connect(self._on_task_started, dispatch_uid=f"heartbeat-{self.worker_id}")
        task_finished.connect(self._on_task_finished, dispatch_uid=f"heartbeat-{self.worker_id}")
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{self.worker_id}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """End the thread, then delete the row: a worker that stops cleanly is not "dead"."""
        task_started.disconnect(dispatch_uid=f"heartbeat-{self.worker_id}")
        task_finished.disconnect(dispatch_uid=f"heartbeat-{self.worker_id}")
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=settings.WORKER_HEARTBEAT_SECONDS + 10)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError as error:  # the database is away: the row goes dead, then pruned
            logger.warning("Could not remove the heartbeat of worker %s: %s", self.worker_id, error)

    def _on_task_started(self, sender: Any, task_result: Any, **kwargs: Any) -> None:
        self._task = (str(task_result.id)[:64], task_result.task.name[:255])

    def _on_task_finished(self, sender: Any, task_result: Any, **kwargs: Any) -> None:
        self._task = ("", "")

    def _run(self) -> None:
        try:
            while True:
                self.beat()
                if self._stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
                    return
        finally:
            connection.close()  # this thread's own connection

    def beat(self, now: datetime | None = None) -> None:
        """Write the row now; a database error is logged, and the next beat tries again."""
        task_id, task_name = self._task
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "hostname": self.hostname,
                    "pid": self.pid,
                    "started_at": self.started_at,
                    "last_seen": now or timezone.now(),
                    "task_id": task_id,
                    "task_name": task_name,
                },
            )
        except DatabaseError as error:
            reason = " ".join(str(error).split())[:200]
            logger.warning("Worker %s: heartbeat not written (%s)", self.worker_id, reason)
            try:
                connection.close()  # a new connection at the next beat
            except DatabaseError:
                connection.connection = None
