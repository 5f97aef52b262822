"""The client's address: one function for every place that needs it (login limits, the API's
rate limits, the security log, API token use).

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies the address the proxies saw is read from
``X-Forwarded-For``: each proxy appends the address it received the call from, so the client
is the N-th entry from the right. Entries further left were written by the caller and are
never believed. Without trusted proxies, or when the header is missing or unreadable, the
address is the connection's own (``REMOTE_ADDR``).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest


def _normalised(value: str) -> str:
    """The address in its canonical form, or "" if it is none."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_address(request: HttpRequest) -> str:
    """The address of the caller of ``request`` (canonical form), or "" if unknown."""
    meta = getattr(request, "META", {})
    own = _normalised(meta.get("REMOTE_ADDR") or "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return own
    entries = [entry.strip() for entry in forwarded.split(",")]
    # Fewer entries than proxies: the call did not pass all of them; the leftmost entry is
    # then the furthest address any of them saw.
    return _normalised(entries[-min(proxies, len(entries))]) or own
