"""gunicorn's configuration for openimi: ``gunicorn -c python:openimi.observability.gunicorn
openimi.wsgi`` (other options on the command line as before).

- Logs: gunicorn's error and access lines go through openimi's handler, filters (request id,
  redaction) and format (``LOG_FORMAT``), the same dictionary as settings.LOGGING.
- The access line: method, path without the query string, protocol, status, size, duration
  in microseconds and the request id; no client address, referrer or user agent (the
  security log keeps the addresses of logins; docs/operations.md, "Logs").
- Metrics of several workers (``PROMETHEUS_MULTIPROC_DIR``): the directory is emptied when
  gunicorn starts and each worker that exits is marked dead.

Plain Python, no Django: gunicorn reads it before the application is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path

from openimi.observability.logs import logging_config

logconfig_dict = logging_config(
    log_format=os.environ.get("LOG_FORMAT", "plain"),
    level=os.environ.get("LOG_LEVEL", "INFO"),
    filename=os.environ.get("LOG_FILE", ""),
)
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus %({x-request-id}o)s'


def on_starting(server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):  # counts of an earlier run would add up
            stale.unlink()


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
