"""How the actor acted (web page, API token, or neither: a job): recorded on each event.

One context variable, set where a request comes in: ``ViaMiddleware`` says "web" for every
HTTP request, the API's base view (``api.views.base.ApiView``) says "API" and which token
once DRF has authenticated the caller. ``events.record`` reads it; the services pass nothing.
Outside a request (tasks, commands, the retention job) it is empty: "system".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Via(models.TextChoices):
    SYSTEM = "", _("the system")
    WEB = "web", _("the web")
    API = "api", _("the API")


@dataclass(frozen=True)
class Channel:
    via: str = Via.SYSTEM
    api_token_id: int | None = None


_SYSTEM = Channel()  # frozen: safe to share
_current: ContextVar[Channel] = ContextVar("openimi_via", default=_SYSTEM)  # noqa: B039


def current() -> Channel:
    return _current.get()


@contextmanager
def acting(via: str, api_token_id: int | None = None) -> Iterator[None]:
    """Changes made inside come through ``via`` (and ``api_token_id``); restored after."""
    reset = _current.set(Channel(via, api_token_id))
    try:
        yield
    finally:
        _current.reset(reset)


def set_token(api_token_id: int | None) -> None:
    """The API caller's token, known once DRF has authenticated it (inside ``acting``)."""
    _current.set(Channel(Via.API, api_token_id))


class ViaMiddleware:
    """Every HTTP request acts through the web unless the API's base view says otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(Via.WEB):
            return self.get_response(request)
