"""The API's rate limits, counted where every process sees them (``common.ratelimit``).

Anonymous callers are counted per client address (``common.net.client_address``, the one
the login limits and the security log use, so that behind a proxy each caller has its own
budget); signed-in callers (token or session) per user, whichever address they call from.
The rates are ``DEFAULT_THROTTLE_RATES`` (env ``API_THROTTLE_ANON`` and ``API_THROTTLE_USER``).
"""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from openimi.common import ratelimit
from openimi.common.net import client_address


class _SharedThrottle:
    """A DRF throttle whose count lives in ``ratelimit``'s store, not in a process's memory."""

    def get_ident(self, request):
        return client_address(request._request) or "unknown"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        decision = ratelimit.hit(
            f"api-{self.scope}-{self.duration}:{ident}",
            limit=self.num_requests,
            period=self.duration,
        )
        self._retry_after = decision.retry_after
        return decision.allowed

    def wait(self):
        return self._retry_after


class AnonThrottle(_SharedThrottle, AnonRateThrottle):
    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None  # counted per user
        return self.get_ident(request)


class UserThrottle(_SharedThrottle, UserRateThrottle):
    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # counted per address (AnonThrottle)
        return str(request.user.pk)
