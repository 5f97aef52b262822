"""Tests against the real Redis on 127.0.0.1:6379 (``TEST_REDIS_URL`` to use another).

Each test gets its own key prefix, so parallel runs on one Redis do not collide, and its keys
are deleted afterwards (never ``FLUSHDB``: another run may be using the same database).
A test skips, saying why, when no Redis answers.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"No Redis answers at {REDIS_URL} ({error}): the shared-cache tests need one")
    return client


def new_key() -> str:
    """A CACHE_ENCRYPTION_KEYS value's key part: 32 random bytes in base64."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def redis_caches(prefix: str, url: str = REDIS_URL) -> dict:
    """The CACHES settings.py makes with REDIS_URL, under ``prefix``."""
    return {
        alias: {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": url,
            "KEY_PREFIX": f"{prefix}:{alias}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        for alias in ("default", "content")
    }


@contextmanager
def shared_redis(settings) -> Iterator[tuple[redis.Redis, str]]:
    """Point the settings at Redis as ``REDIS_URL`` would, with a key of its own; yields the
    client and the prefix every key of this test starts with."""
    client = redis_client()
    prefix = f"openimi-test-{secrets.token_hex(6)}"
    settings.CACHES = redis_caches(prefix)
    settings.CACHE_ENCRYPTION_KEYS = {"k1": base64.b64decode(new_key())}
    settings.RATE_LIMIT_STORE = "openimi.common.ratelimit.RedisStore"
    settings.RATE_LIMIT_CACHE = "default"
    try:
        yield client, prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
