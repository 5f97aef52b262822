"""The request id of the work in hand: set by ``RequestIdMiddleware`` for an HTTP request and
by the task receivers (``observability.tasks``) for a background task queued during one.

Plain Python (no Django import): the logging filters read it, and settings imports them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("openimi_request_id", default="")

# What a proxy may send as X-Request-ID: nginx's $request_id (32 hex digits), a UUID, or
# any short token of letters, digits and ``.-_:``; anything else is replaced by our own.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")


def current_request_id() -> str:
    """The request id of the running request or task; empty outside one."""
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane(value: str | None) -> bool:
    return bool(value) and SANE_REQUEST_ID.fullmatch(value or "") is not None


@contextmanager
def bound(request_id: str) -> Iterator[None]:
    """Everything logged inside carries ``request_id``; the previous one comes back after."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


def bind(request_id: str) -> object:
    """Set the request id until ``unbind(token)``: for a start and an end signalled apart."""
    return _current.set(request_id)


def unbind(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
