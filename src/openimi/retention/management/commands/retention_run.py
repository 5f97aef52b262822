"""``openimi retention_run``: block and delete the personal data that is due, now."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from openimi.retention.services import retention_run


class Command(BaseCommand):
    help = (
        "Block and delete the personal data of ended requests whose retention period is over "
        "(the worker does this daily). Safe to run at any time and any number of times."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_run(batch_size=options["batch_size"])
        self.stdout.write(f"Blocked: {result.blocked}. Deleted: {result.deleted}.")
