"""The system check refuses rate-limit counters in a cache that only one process sees."""

import subprocess
import sys
from pathlib import Path

from openimi.common.checks import rate_limits_are_shared

ROOT = Path(__file__).resolve().parents[2]


def test_the_database_store_passes(settings):
    settings.RATE_LIMIT_STORE = "openimi.common.ratelimit.DatabaseStore"
    assert rate_limits_are_shared(None) == []


def test_a_per_process_cache_is_refused(settings):
    settings.RATE_LIMIT_STORE = "openimi.common.ratelimit.CacheStore"
    settings.RATE_LIMIT_CACHE = "default"  # LocMem in these settings
    (error,) = rate_limits_are_shared(None)
    assert error.id == "openimi.common.E001"
    settings.RATE_LIMIT_CACHE = "missing"
    assert [e.id for e in rate_limits_are_shared(None)] == ["openimi.common.E001"]


def test_a_shared_cache_passes(settings):
    settings.RATE_LIMIT_STORE = "openimi.common.ratelimit.CacheStore"
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
    }
    settings.RATE_LIMIT_CACHE = "shared"
    assert rate_limits_are_shared(None) == []


def test_manage_py_check_fails_on_it(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_STORE", "openimi.common.ratelimit.CacheStore")
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, str(ROOT / "manage.py"), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "openimi.common.E001" in result.stderr
