"""Fixtures for the health, metrics and logs tests: the exchange's world, the SMTP sink, the
real worker, and ``log_file``: every log line of this process, as an operator's log file
(``LOG_FORMAT=json``) would hold it."""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from openimi.observability.logs import logging_config
from tests.clock import clock  # noqa: F401 - fixture
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401 - fixtures
from tests.notifications.conftest import run_worker  # noqa: F401 - fixture
from tests.smtp import smtp_sink  # noqa: F401 - fixture


class LogFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def text(self) -> str:
        for handler in logging.getLogger().handlers:
            handler.flush()
        return self.path.read_text(encoding="utf-8")

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines() if line.strip()]


@pytest.fixture
def log_file(tmp_path) -> Iterator[LogFile]:
    """The process logs as production would with ``LOG_FORMAT=json LOG_FILE=…`` at DEBUG;
    the project's own configuration comes back afterwards."""
    path = tmp_path / "openimi.log"
    logging.config.dictConfig(logging_config(log_format="json", level="DEBUG", filename=str(path)))
    try:
        yield LogFile(path)
    finally:
        for handler in logging.getLogger().handlers:
            handler.close()
        logging.config.dictConfig(django_settings.LOGGING)
