"""``openimi worker``: the background worker of openimi (django-tasks-db's db_worker, plus the
outbox sweeper)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from openimi.notifications.tasks import ensure_digest_scheduled, ensure_sweeper_scheduled
from openimi.retention.tasks import ensure_periodic_jobs_scheduled


class Command(BaseCommand):
    help = (
        "Run a background worker: make sure the outbox sweeper is scheduled, then process "
        "tasks with django-tasks-db's db_worker (never with autoreload). Run as many workers "
        "as you like; on PostgreSQL they share the work without running a task twice. The "
        "sweeper fails tasks a killed worker left running and re-queues overdue e-mail."
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
            help="Do not schedule the outbox sweeper (another worker pool looks after it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sweeper"] and ensure_sweeper_scheduled() and options["verbosity"] > 0:
            self.stdout.write("Scheduled the outbox sweeper.")
        if options["sweeper"]:  # the periodic jobs (retention, deadlines) go with the sweeper
            ensure_periodic_jobs_scheduled()
            ensure_digest_scheduled()  # the daily digest, at NOTIFICATIONS_DIGEST_HOUR
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
