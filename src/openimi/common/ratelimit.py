"""Rate limits that every process sees: a sliding window per key, counted in a shared store.

``hit(key, limit=…, period=…)`` counts one call against ``key`` and says whether it is
allowed. The window slides: the calls of the current fixed window plus those of the previous
one, weighted by how much of it still lies within the last ``period`` seconds, must stay
below ``limit``. Only allowed calls are counted (as Django REST framework's own throttles
do), so a client that slows down gets through again.

The store is one setting, ``RATE_LIMIT_STORE``:

- ``openimi.common.ratelimit.DatabaseStore`` (default): one row per key in
  ``common.RateLimitCounter``, read and written by one atomic UPSERT, so every web process
  and every restart shares the count. Expired rows are deleted by ``prune`` (the daily
  retention job).
- ``openimi.common.ratelimit.RedisStore`` (the default with ``REDIS_URL``): the Redis of
  the cache ``RATE_LIMIT_CACHE``, one Lua script per call that reads both windows and counts
  an allowed call in one step (atomic, as the UPSERT is); entries expire by themselves. The
  keys are HMACs of the limit's key (no client address or user name readable in Redis).
  When Redis does not answer, the call is counted in the database instead (``DatabaseStore``)
  and a warning logged: never refused for that, never let through uncounted.
- ``openimi.common.ratelimit.CacheStore``: Django's cache ``RATE_LIMIT_CACHE``; atomic
  ``add``/``incr``, entries expire by themselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float | None  # seconds until a call would be allowed again (when refused)


def _retry_after(*, current: int, previous: int, limit: int, period: int, elapsed: float) -> float:
    """Seconds from now until the sliding estimate drops below ``limit`` again."""
    if current >= limit:
        # Not before the next window; there the current count becomes the previous one and
        # weighs less with every second.
        until = period - elapsed
        if current > 0:
            until += period * max(0.0, 1 - limit / current)
        return max(until, 0.0)
    # previous > 0 here: the estimate current + previous * (1 - e / period) < limit once
    # e > period * (1 - (limit - current) / previous).
    return max(period * (1 - (limit - current) / previous) - elapsed, 0.0)


class DatabaseStore:
    """One row per key: the current window's number and count, and the previous window's."""

    def hit(self, key: str, *, limit: int, period: int, now: float) -> Decision:
        from openimi.common.models import RateLimitCounter

        q = connection.ops.quote_name
        table = q(RateLimitCounter._meta.db_table)
        key_, window_, calls, previous_calls, allowed_, expires = (
            q(name)
            for name in ("key", "window_number", "calls", "previous_calls", "allowed", "expires_at")
        )
        window, offset = divmod(now, period)
        window = int(window)
        # Integer arithmetic in milliseconds: weight of the previous window = remaining / period.
        period_ms = period * 1000
        remaining_ms = period_ms - int(offset * 1000)
        # The row's counts before this call, rolled into the current window. In an UPDATE every
        # expression sees the row as it was, so the SET clauses below agree with each other.
        same = f"{table}.{window_} = excluded.{window_}"
        current = f"CASE WHEN {same} THEN {table}.{calls} ELSE 0 END"
        previous = (
            f"CASE WHEN {same} THEN {table}.{previous_calls} "
            f"WHEN {table}.{window_} = excluded.{window_} - 1 THEN {table}.{calls} ELSE 0 END"
        )
        # 64-bit: calls × the milliseconds of a day pass 2**31 after 25 calls.
        allowed = (
            f"(({current}) * CAST(%s AS BIGINT) + ({previous}) * CAST(%s AS BIGINT) "
            "< CAST(%s AS BIGINT))"
        )
        # Once the window after next begins, the row counts nothing any more.
        expires_at = datetime.fromtimestamp((window + 2) * period, tz=UTC)
        sql = (
            f"INSERT INTO {table} ({key_}, {window_}, {calls}, {previous_calls}, {allowed_}, "
            f"{expires}) VALUES (%s, %s, %s, 0, %s, %s) "
            f"ON CONFLICT ({key_}) DO UPDATE SET "
            f"{previous_calls} = {previous}, "
            f"{calls} = ({current}) + CASE WHEN {allowed} THEN 1 ELSE 0 END, "
            f"{allowed_} = {allowed}, "
            f"{window_} = excluded.{window_}, {expires} = excluded.{expires} "
            f"RETURNING {calls}, {previous_calls}, {allowed_}"
        )
        weights = [period_ms, remaining_ms, limit * period_ms]
        first = limit > 0
        params = [key, window, int(first), first, expires_at, *weights, *weights]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            count, previous_count, was_allowed = cursor.fetchone()
        if was_allowed:
            return Decision(True, None)
        wait = _retry_after(
            current=count, previous=previous_count, limit=limit, period=period, elapsed=offset
        )
        return Decision(False, wait)

    def prune(self, now: datetime) -> int:
        from openimi.common.models import RateLimitCounter

        deleted, _kinds = RateLimitCounter.objects.filter(expires_at__lt=now).delete()
        return deleted


class CacheStore:
    """Counters in Django's cache ``RATE_LIMIT_CACHE``, one entry per key and window."""

    def hit(self, key: str, *, limit: int, period: int, now: float) -> Decision:
        from django.core.cache import caches

        store = caches[settings.RATE_LIMIT_CACHE]
        window, offset = divmod(now, period)
        window = int(window)
        name = f"ratelimit:{key}:{window}"
        counts = store.get_many([name, f"ratelimit:{key}:{window - 1}"])
        current = counts.get(name, 0)
        previous = counts.get(f"ratelimit:{key}:{window - 1}", 0)
        weight = (period - offset) / period
        if current + previous * weight < limit:
            store.add(name, 0, timeout=2 * period)
            current = store.incr(name)
            if (current - 1) + previous * weight < limit:
                return Decision(True, None)
            store.decr(name)  # another process took the last place first
            current -= 1
        wait = _retry_after(
            current=current, previous=previous, limit=limit, period=period, elapsed=offset
        )
        return Decision(False, wait)

    def prune(self, now: datetime) -> int:
        return 0  # the cache expires its entries itself


# KEYS: the current window's counter, the previous window's. ARGV: the current window's weight
# (the period in ms), the previous window's (ms of it still within the period), the limit
# times the period in ms, the counter's lifetime in seconds. Returns the counts before this
# call and whether it was allowed (then counted). Lua numbers are doubles: exact far beyond
# any count here.
_SLIDING_WINDOW = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if current * tonumber(ARGV[1]) + previous * tonumber(ARGV[2]) < tonumber(ARGV[3]) then
    redis.call('INCR', KEYS[1])
    redis.call('EXPIRE', KEYS[1], ARGV[4])
    return {current, previous, 1}
end
return {current, previous, 0}
"""


def _redis_client(alias: str) -> redis.Redis:
    """A client of the Redis server the cache ``alias`` uses (its first, writable location),
    with its socket timeouts."""
    config = settings.CACHES[alias]
    location = config["LOCATION"]
    if not isinstance(location, str):
        location = location[0]
    options = config.get("OPTIONS", {})
    return _client_for(
        location.split(",")[0],
        options.get("socket_connect_timeout"),
        options.get("socket_timeout"),
    )


@cache
def _client_for(url: str, connect_timeout: float | None, timeout: float | None) -> redis.Redis:
    # One per process and server: a redis-py client holds its pool of connections.
    return redis.Redis.from_url(url, socket_connect_timeout=connect_timeout, socket_timeout=timeout)


class RedisStore:
    """Counters in Redis (the cache ``RATE_LIMIT_CACHE``'s server), one per key and window;
    the database's when Redis does not answer."""

    fallback = DatabaseStore()

    def _name(self, store, key: str, window: int) -> str:
        digest = salted_hmac("openimi.common.ratelimit", key, algorithm="sha256").hexdigest()
        return store.make_key(f"ratelimit:{digest}:{window}")

    def hit(self, key: str, *, limit: int, period: int, now: float) -> Decision:
        from django.core.cache import caches

        store = caches[settings.RATE_LIMIT_CACHE]
        window, offset = divmod(now, period)
        window = int(window)
        period_ms = period * 1000
        remaining_ms = period_ms - int(offset * 1000)
        names = [self._name(store, key, window), self._name(store, key, window - 1)]
        try:
            client = _redis_client(settings.RATE_LIMIT_CACHE)
            current, previous, allowed = client.eval(
                _SLIDING_WINDOW, 2, *names, period_ms, remaining_ms, limit * period_ms, 2 * period
            )
        except RedisError as error:
            logger.warning("Redis does not answer (%s): rate limit counted in the database.", error)
            return self.fallback.hit(key, limit=limit, period=period, now=now)
        if allowed:
            return Decision(True, None)
        wait = _retry_after(
            current=int(current),
            previous=int(previous),
            limit=limit,
            period=period,
            elapsed=offset,
        )
        return Decision(False, wait)

    def prune(self, now: datetime) -> int:
        # Redis expires its counters itself; rows written while it was down are the database's.
        return self.fallback.prune(now)


@cache
def _store(path: str):
    return import_string(path)()


def store():
    return _store(settings.RATE_LIMIT_STORE)


def hit(key: str, *, limit: int, period: int, now: float | None = None) -> Decision:
    """Count one call against ``key``: at most ``limit`` calls in any ``period`` seconds."""
    if now is None:
        now = timezone.now().timestamp()
    return store().hit(key, limit=limit, period=period, now=now)


def prune(now: datetime | None = None) -> int:
    """Delete the counters whose windows are over; returns how many."""
    return store().prune(now or timezone.now())
