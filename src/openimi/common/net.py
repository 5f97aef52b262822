"""The client's address: one function for the login limits, the API's throttles and the
security log, so that every part of openimi sees the same caller behind a proxy."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest


def _normalised(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``, normalised ("" if none is valid).

    ``TRUSTED_PROXY_COUNT`` (env) is the number of reverse proxies in front of openimi, each
    appending the address it received the request from to ``X-Forwarded-For``. With N of them
    the client is the N-th entry from the right; entries further left were written by the
    client itself and are never believed. Without proxies (0, the default), or when the header
    has fewer entries than there are proxies, the connection's own address counts.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = _normalised(forwarded[-proxies])
            if address:
                return address
    return _normalised(request.META.get("REMOTE_ADDR", ""))
