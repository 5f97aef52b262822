"""What every log line goes through: the request id, the redaction of personal data and
secrets, and the plain or JSON format (``LOG_FORMAT``).

settings.py builds ``LOGGING`` with ``logging_config``; the gunicorn configuration
(``observability/gunicorn.py``) passes the same dictionary to gunicorn, so its error and
access lines go through the same handler, filters and format.

The filters sit on the handler, not on loggers: a handler's filters see every record that
reaches it, whichever library logged it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from openimi.observability.context import current_request_id

# The response header gunicorn's access line names (``%({x-request-id}o)s``): its record is
# written after our middleware has finished, so the id is read from the line's own atoms.
_ACCESS_ATOM = "{x-request-id}o"


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record: the running request's or task's, else ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        if not request_id and isinstance(record.args, dict):
            try:
                request_id = str(record.args[_ACCESS_ATOM])
            except (KeyError, TypeError):
                request_id = ""
        record.request_id = request_id or "-"
        return True


# A query string after a path or URL: it may hold what someone searched for.
_QUERY = re.compile(r"(?P<path>/[^\s?\"'<>]*)\?[^\s\"'<>]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# An API token (``oimi_`` and 43 characters) or any bearer credential.
_TOKEN = re.compile(r"\boimi_[A-Za-z0-9_-]+|(?i:bearer)\s+\S+")
# PostgreSQL's DETAIL of a constraint error quotes the row's values: keep the columns only.
_KEY_DETAIL = re.compile(r"(Key \([^)]*\))=\((?:[^()]|\([^)]*\))*\)")
# name=value pairs whose value is a credential or a form field with personal data.
_SENSITIVE_PAIR = re.compile(
    r"\b(?P<name>password\w*|secret\w*|token|api_key|authorization|csrfmiddlewaretoken"
    r"|sessionid|character_\d|code\d?|current_code)=(?P<value>'[^']*'|\"[^\"]*\"|[^\s&,;]+)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` without query strings, e-mail addresses, tokens, credentials or row values."""
    text = _QUERY.sub(r"\g<path>?[query removed]", text)
    text = _TOKEN.sub("[token removed]", text)
    text = _EMAIL.sub("[e-mail removed]", text)
    text = _KEY_DETAIL.sub(r"\1=([value removed])", text)
    return _SENSITIVE_PAIR.sub(r"\g<name>=[removed]", text)


class RedactFilter(logging.Filter):
    """Removes personal data and secrets from every line (docs/operations.md, "Logs").

    The message is formatted here and redacted, and so is the traceback of an exception; the
    formatters then only lay it out. SQL statements (``django.db.backends`` below WARNING)
    carry the values of every field, personal data included, and are dropped whatever
    ``LOG_LEVEL`` says.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.db.backends") and record.levelno < logging.WARNING:
            return False
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: keep its format string only
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line with the named fields only.

    Libraries attach extras to their records (``django.request`` the whole request object,
    whose text holds the query string); none is copied into the line.
    """

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        for field in self._required_fields:
            log_data[self._get_rename(field)] = record.__dict__.get(field)
        for key in ("exc_info", "stack_info"):
            if message_dict.get(key):
                log_data[key] = message_dict[key]


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = ["asctime", "levelname", "name", "request_id", "message"]


def logging_config(
    *, log_format: str = "plain", level: str = "INFO", filename: str = ""
) -> dict[str, Any]:
    """The ``LOGGING`` dictionary: one handler (standard error, or ``filename``) in
    ``log_format`` ("plain" or "json"), with the request id and redaction filters."""
    if log_format not in ("plain", "json"):
        raise ValueError(f"LOG_FORMAT must be 'plain' or 'json', not {log_format!r}.")
    handler: dict[str, Any] = {
        "formatter": log_format,
        "filters": ["request_id", "redact"],
    }
    if filename:
        handler.update({"class": "logging.FileHandler", "filename": filename})
    else:
        handler["class"] = "logging.StreamHandler"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "openimi.observability.logs.RequestIdFilter"},
            "redact": {"()": "openimi.observability.logs.RedactFilter"},
        },
        "formatters": {
            "plain": {"format": PLAIN_FORMAT},
            "json": {
                "()": "openimi.observability.logs.JsonFormatter",
                "fmt": JSON_FIELDS,
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            },
        },
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            # SQL with its parameters is personal data; RedactFilter drops it below WARNING.
            "django.db.backends": {"level": "WARNING"},
            # Django's defaults give these handlers of their own, which no filter of ours would
            # see (the development server's access lines carry query strings): ours instead.
            "django": {"level": "INFO", "handlers": [], "propagate": True},
            "django.server": {"level": "INFO", "handlers": [], "propagate": True},
            # gunicorn's own loggers go through the root handler (observability/gunicorn.py).
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
        },
    }
