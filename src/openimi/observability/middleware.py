"""The request id and the request metrics, around everything else.

The id is bound when Django starts a request (``request_started``, before any middleware)
and unbound when it finishes (``request_finished``, once the response is closed): so every
line logged for the request carries it, by any middleware, the view, a failure, and Django's
own "Not Found"/"Internal Server Error" lines, which it writes after the middleware has
returned. ``RequestIdMiddleware`` (first in MIDDLEWARE) puts it on the request and returns it
in ``X-Request-ID``. A proxy's id is kept when the deployment has one
(``TRUSTED_PROXY_COUNT`` > 0) and it looks sane; otherwise, and always for a caller who could
choose it, a new one.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import connections

from openimi.observability import context
from openimi.observability.metrics import LATENCY, QUERIES, REQUESTS

HEADER = "X-Request-ID"
_ENVIRON_KEY = "HTTP_X_REQUEST_ID"


def _request_id_for(offered: str | None) -> str:
    if settings.TRUSTED_PROXY_COUNT > 0 and context.sane(offered):
        return str(offered)
    return context.new_request_id()


def bind_request_id(sender: Any, environ: dict | None = None, **kwargs: Any) -> None:
    """``request_started``: the request's id, before anything else runs."""
    context.bind(_request_id_for((environ or {}).get(_ENVIRON_KEY)))


def unbind_request_id(sender: Any, **kwargs: Any) -> None:
    """``request_finished``: nothing after the request carries its id."""
    context.bind("")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = context.current_request_id()
        if not request_id:  # a request made without Django's handler (RequestFactory)
            request_id = _request_id_for(request.headers.get(HEADER))
            context.bind(request_id)
        request.request_id = request_id
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, ctx):
        self.count += 1
        return execute(sql, params, many, ctx)


class MetricsMiddleware:
    """Counts each request by its route name (``exchange:detail``, never the path with its
    ids), method and status; times it; counts its database queries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        start = time.perf_counter()
        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        elapsed = time.perf_counter() - start
        view = _view_name(request)
        REQUESTS.labels(view, _method(request.method), str(response.status_code)).inc()
        LATENCY.labels(view).observe(elapsed)
        QUERIES.labels(view).observe(counter.count)
        return response


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _method(method: str | None) -> str:
    return method if method in _METHODS else "other"  # a caller cannot add label values


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        return match.view_name
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"  # answered by whitenoise before any URL is resolved
    return "unresolved"  # no route: a 404, or answered by a middleware before resolving
