"""``openimi read_blocked_personal_data --request N --justification "..."``: the only way to
read blocked personal data. The read is recorded (who, when, why) before anything is shown."""

import getpass
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from openimi.common.errors import ApplicationError
from openimi.retention.services import blocked_personal_data_read


class Command(BaseCommand):
    help = (
        "Print the blocked personal data of one request as JSON. A justification is required "
        "and recorded with the operator's name; the documents' storage names are listed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--request", type=int, required=True, help="The request number.")
        parser.add_argument("--justification", required=True, help="Why it must be read.")
        parser.add_argument(
            "--operator", default=None, help="Who reads (default: the operating-system user)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        operator = options["operator"] or getpass.getuser()
        try:
            blocked = blocked_personal_data_read(
                info_request_id=options["request"],
                operator=operator,
                justification=options["justification"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        document = {
            "request": blocked.info_request_id,
            "blocked_at": blocked.blocked_at.isoformat(),
            **blocked.payload,
            "files": blocked.files,
        }
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
