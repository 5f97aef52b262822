"""``openimi worker``: the background worker of openimi (django-tasks-db's db_worker, plus the
outbox sweeper).

The database may be unreachable for a while (a restart, a fail-over, a network blip).
db_worker then raises and would end the process, and with it e-mails, reminders and the
retention job, while the site itself recovers on the next request. So the worker waits and
tries again, forever, with a doubling pause capped at ``WORKER_DB_RETRY_MAX_SECONDS``: a task
it had claimed stays "running" and the sweeper recovers it like one of a killed worker.

Redis (the shared cache, when ``REDIS_URL`` is set) may be away too. A task whose cache call
fails with redis' ConnectionError fails like any other failing task (db_worker records it and
goes on; the outbox and the periodic jobs retry on their own). Should such an error escape the
task loop itself (a ``task_finished`` receiver that counts in the cache), the worker waits and
goes on as after a database outage. Without the redis package installed there is nothing to
catch.

A standing worker (not ``--batch``) keeps a heartbeat (``notifications.heartbeat``) from start
to clean exit, so the readiness check and ``openimi workers`` see whether it is alive.
"""

import importlib
import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.utils.crypto import get_random_string

from openimi.api.webhooks import ensure_webhook_sweeper_scheduled
from openimi.notifications.digest import ensure_digest_scheduled
from openimi.notifications.heartbeat import Heartbeat
from openimi.notifications.tasks import ensure_sweeper_scheduled, fail_tasks_of_worker
from openimi.retention.tasks import ensure_periodic_jobs_scheduled

logger = logging.getLogger(__name__)

# What a lost or refused database connection raises (Django wraps the driver's errors).
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


def _redis_unreachable() -> tuple[type[Exception], ...]:
    """What a lost or refused Redis connection raises; nothing when redis is not installed."""
    try:
        exceptions = importlib.import_module("redis.exceptions")
    except ImportError:
        return ()
    return (exceptions.ConnectionError, exceptions.TimeoutError)


REDIS_UNREACHABLE = _redis_unreachable()


class Command(BaseCommand):
    help = (
        "Run a background worker: make sure the outbox sweeper is scheduled, then process "
        "tasks with django-tasks-db's db_worker (never with autoreload). Run as many workers "
        "as you like; on PostgreSQL they share the work without running a task twice. The "
        "sweeper fails tasks a killed worker left running and re-queues overdue e-mail; the "
        "webhook sweeper re-queues overdue webhook deliveries."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Process the tasks that are due now, then exit (for cron jobs and tests).",
        )
        parser.add_argument(
            "--max-tasks",
            type=int,
            default=None,
            help="Exit after this many tasks (a process manager restarts the worker).",
        )
        parser.add_argument(
            "--worker-id",
            default=None,
            help="A name unique across the worker pool (default: generated).",
        )
        parser.add_argument(
            "--queue-name",
            default=None,
            help="The queues to process, comma-separated; '*' for all (default: 'default').",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds to wait when no task is due before looking again (default: 1).",
        )
        parser.add_argument(
            "--no-sweeper",
            action="store_false",
            dest="sweeper",
            help="Do not schedule the sweepers and periodic jobs (another worker pool looks "
            "after them).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # One id across reconnections, so that the tasks this worker was running when the
        # database went away can be told apart from those of others.
        options["worker_id"] = options["worker_id"] or get_random_string(32)
        # A batch run (cron, tests) is over in a moment: only a standing worker keeps a heartbeat.
        heartbeat = None if options["batch"] else Heartbeat(options["worker_id"])
        if heartbeat is not None:
            heartbeat.start()
        try:
            self._work_until_done(options)
        finally:  # a clean exit (SIGTERM, --max-tasks, Ctrl-C) removes the heartbeat
            if heartbeat is not None:
                heartbeat.stop()

    def _work_until_done(self, options: dict[str, Any]) -> None:
        pause = 1.0
        lost = False
        while True:
            try:
                if lost:
                    fail_tasks_of_worker(options["worker_id"])
                self._schedule_and_work(options)
                return
            except DATABASE_UNREACHABLE as error:
                # Drop the broken connections; the next query opens new ones.
                for conn in connections.all(initialized_only=True):
                    try:
                        conn.close()
                    except DatabaseError:
                        conn.connection = None  # already gone: forget it
                pause = self._wait("The database", error, pause)
                lost = True
            except REDIS_UNREACHABLE as error:
                pause = self._wait("Redis", error, pause)
                lost = True

    def _wait(self, what: str, error: Exception, pause: float) -> float:
        """Say why, sleep ``pause`` (capped) and return the next, doubled pause."""
        cap = settings.WORKER_DB_RETRY_MAX_SECONDS
        pause = min(pause, cap)
        reason = " ".join(str(error).split())[:200]
        logger.warning("%s is unreachable (%s); trying again in %s s.", what, reason, pause)
        self.stderr.write(f"{what} is unreachable ({reason}); trying again in {pause:g} s.")
        time.sleep(pause)
        return min(pause * 2, cap)

    def _schedule_and_work(self, options: dict[str, Any]) -> None:
        if options["sweeper"] and ensure_sweeper_scheduled() and options["verbosity"] > 0:
            self.stdout.write("Scheduled the outbox sweeper.")
        if options["sweeper"]:  # the periodic jobs (retention, deadlines) go with the sweeper
            ensure_periodic_jobs_scheduled()
            ensure_digest_scheduled()  # the daily digest, at NOTIFICATIONS_DIGEST_HOUR
            ensure_webhook_sweeper_scheduled()  # re-sends what a killed worker was sending
        # Passed as command-line arguments so db_worker's own checks apply to them.
        argv = ["--no-reload"]  # autoreload restarts would kill tasks mid-way
        if options["batch"]:
            # The random start-up delay spreads long-running workers; a batch has no use for it.
            argv += ["--batch", "--no-startup-delay"]
        for name in ("max_tasks", "worker_id", "queue_name", "interval"):
            if options[name] is not None:
                argv += [f"--{name.replace('_', '-')}", str(options[name])]
        call_command(
            "db_worker",
            *argv,
            verbosity=options["verbosity"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
