"""``openimi workers``: the operator's view of the workers and their heartbeats."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openimi.notifications.health import worker_health
from openimi.notifications.selectors import worker_list


class Command(BaseCommand):
    help = (
        "List the workers with their host, process id, last heartbeat and the task they run. "
        "A worker not heard of for WORKER_HEARTBEAT_DEAD_AFTER_SECONDS is dead (killed, its "
        "machine gone, or cut off from the database); one that stopped cleanly is not listed. "
        "With --check, exit with status 1 when the readiness check would fail."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit with status 1 unless at least one worker is alive (when WORKER_REQUIRED).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        dead_after = settings.WORKER_HEARTBEAT_DEAD_AFTER
        workers = list(worker_list())
        rows = [("STATE", "WORKER", "HOST", "PID", "STARTED", "LAST SEEN", "TASK")]
        for worker in workers:
            age = now - worker.last_seen
            rows.append(
                (
                    "alive" if age <= dead_after else "DEAD",
                    worker.worker_id,
                    worker.hostname,
                    str(worker.pid),
                    timezone.localtime(worker.started_at).strftime("%Y-%m-%d %H:%M:%S"),
                    f"{age.total_seconds():.0f} s ago",
                    worker.task_name or "-",
                )
            )
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        ok, detail = worker_health()
        self.stdout.write(
            f"{detail['alive']} alive, {detail['dead']} dead "
            f"(dead after {dead_after.total_seconds():.0f} s without a heartbeat)."
        )
        if options["check"] and not ok:
            raise CommandError("No worker is alive.", returncode=1)
