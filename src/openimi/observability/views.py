"""``/health/live/``, ``/health/ready/`` and ``/metrics/``: for load balancers, process
managers and Prometheus, not for people.

The health answers are public (no login, as the login pages: the URL walk's allowlist) and
say only "ok" or "failing" per check: no version, host name, error text or personal data.
The metrics need ``METRICS_TOKEN`` as a bearer token; without one configured they are off
(404).
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

from openimi.observability import health, metrics


def _status(ok: bool) -> str:
    return "ok" if ok else "failing"


@login_not_required
@never_cache
@require_GET
def live(request):
    """The process answers. No database, no cache: a restart would not cure their outage."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def ready(request):
    """Every readiness check passes (200), or not (503, with the failing ones named)."""
    results = health.run_checks()
    healthy = all(results.values())
    return JsonResponse(
        {"status": _status(healthy), "checks": {name: _status(ok) for name, ok in results.items()}},
        status=200 if healthy else 503,
    )


@login_not_required
@never_cache
@require_GET
def prometheus(request):
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    scheme, _space, offered = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        offered.strip().encode(), token.encode()
    ):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
