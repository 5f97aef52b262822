"""The request id and the request metrics, around everything else.

``RequestIdMiddleware`` comes first: every line logged while the request is answered (by any
later middleware, the view, a failure) carries its id, and the response returns it in
``X-Request-ID``. A proxy's id is kept when the deployment has one (``TRUSTED_PROXY_COUNT``
> 0) and it looks sane; otherwise, and always for a caller who could choose it, a new one.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connections

from openimi.observability import context
from openimi.observability.metrics import LATENCY, QUERIES, REQUESTS

HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(HEADER)
        if settings.TRUSTED_PROXY_COUNT > 0 and context.sane(offered):
            request_id = offered
        else:
            request_id = context.new_request_id()
        request.request_id = request_id
        with context.bound(request_id):
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
