"""Shared state in Redis (issue 20, item 1; ``common.shared_cache``, ``content_cache``,
``ratelimit.RedisStore``), on the real Redis of this machine.

Separate processes (subprocesses, not threads) share a content-cache entry and a rate-limit
budget; an entry is encrypted, bound to its key, a miss when altered or moved, and survives
a key rotation; Redis down is a miss for the cache and the database for the rate limits;
without ``REDIS_URL`` the caches are each process's memory, as before.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.cache import caches

from openimi.common import checks, content_cache, ratelimit, shared_cache
from openimi.common.models import RateLimitCounter
from tests.redis_cache import REDIS_URL, new_key, redis_caches, redis_client, shared_redis

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Bouwbedrijf Jansen B.V."  # stands for personal data in an entry


@pytest.fixture
def shared(settings):
    settings.CONTENT_CACHE_SECONDS = 120
    with shared_redis(settings) as found:
        yield found


def _entry(body: str = f"<p>{SECRET}</p>") -> content_cache.Entry:
    return content_cache.Entry(body.encode(), "text/html; charset=utf-8")


def _raw_key(alias: str, key: str) -> str:
    return caches[alias].make_key(key)


# --- In separate processes -------------------------------------------------------------------


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "RATE_LIMIT_STORE"}}
    env.update(DJANGO_SETTINGS_MODULE="openimi.settings", LOG_LEVEL="WARNING", **extra)
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.Popen:
    program = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    return subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", program],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def process_env():
    client = redis_client()
    prefix = f"openimi-test-{os.urandom(6).hex()}"
    env = _environment(
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        CACHE_ENCRYPTION_KEYS=f"k1:{new_key()}",
    )
    yield env
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_two_processes_share_a_content_cache_entry(process_env):
    writer = _python(
        f"""
        import json
        from openimi.common import content_cache
        content_cache.put("page:test:shared", content_cache.Entry({SECRET!r}.encode(), "text/html"))
        print(json.dumps({{"ok": True}}))
        """,
        process_env,
    )
    assert _result(writer) == {"ok": True}
    reader = _python(
        """
        import json
        from openimi.common import content_cache
        found = content_cache.get("page:test:shared")
        print(json.dumps({"body": found.body.decode() if found else None}))
        """,
        process_env,
    )
    assert _result(reader) == {"body": SECRET}
    # What Redis holds is not the page.
    client = redis_client()
    (key,) = client.keys(f"{process_env['CACHE_KEY_PREFIX']}:content:*")
    assert SECRET.encode() not in client.get(key)


def test_two_processes_share_one_rate_limit_budget(process_env):
    """Two processes, 7 calls each at once against a budget of 10: 10 pass in all (each
    process with a budget of its own would let 14 through)."""
    code = """
        import json
        from openimi.common import ratelimit
        from openimi.common.ratelimit import RedisStore
        assert isinstance(ratelimit.store(), RedisStore)
        allowed = [ratelimit.hit("api-user-60:42", limit=10, period=60).allowed for _ in range(7)]
        print(json.dumps({"allowed": sum(allowed)}))
        """
    processes = [_python(code, process_env) for _ in range(2)]
    counts = [_result(process)["allowed"] for process in processes]
    assert sum(counts) == 10, counts
    assert min(counts) >= 3  # each was refused only once the other had counted
    # The key in Redis is an HMAC, not the user's key.
    client = redis_client()
    keys = [k.decode() for k in client.keys(f"{process_env['CACHE_KEY_PREFIX']}:*")]
    assert len(keys) == 1
    assert re.fullmatch(r".+:ratelimit:[0-9a-f]{64}:\d+", keys[0])


@pytest.mark.parametrize(
    ("extra", "backend", "store"),
    [
        ({}, "django.core.cache.backends.locmem.LocMemCache", "DatabaseStore"),
        (
            {"REDIS_URL": REDIS_URL, "CACHE_ENCRYPTION_KEYS": f"k1:{new_key()}"},
            "django.core.cache.backends.redis.RedisCache",
            "RedisStore",
        ),
    ],
    ids=["without REDIS_URL", "with REDIS_URL"],
)
def test_the_settings_choose_the_caches_by_redis_url(extra, backend, store):
    process = _python(
        """
        import json
        from django.conf import settings
        print(json.dumps({
            "backends": sorted({c["BACKEND"] for c in settings.CACHES.values()}),
            "store": settings.RATE_LIMIT_STORE.rpartition(".")[2],
        }))
        """,
        _environment(**extra),
    )
    assert _result(process) == {"backends": [backend], "store": store}


def test_without_a_key_a_shared_content_cache_refuses_to_start():
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=_environment(REDIS_URL=REDIS_URL),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "openimi.common.E002" in done.stderr


# --- The entries -----------------------------------------------------------------------------


def test_an_entry_is_encrypted_and_read_back(shared):
    client, _prefix = shared
    content_cache.put("page:a", _entry())
    raw = client.get(_raw_key("content", "page:a"))
    assert raw is not None
    assert SECRET.encode() not in raw
    assert content_cache.get("page:a").body == _entry().body


def test_an_altered_entry_is_a_miss(shared, caplog):
    client, _prefix = shared
    content_cache.put("page:a", _entry())
    raw_key = _raw_key("content", "page:a")
    sealed = caches["content"].get("page:a")
    caches["content"].set("page:a", sealed[:-1] + bytes([sealed[-1] ^ 1]))
    assert client.exists(raw_key)
    with caplog.at_level(logging.WARNING, logger="openimi.common.shared_cache"):
        assert content_cache.get("page:a") is None
    assert "did not decrypt (InvalidTag)" in caplog.text
    caches["content"].set("page:a", b"not sealed at all")
    assert content_cache.get("page:a") is None


def test_an_entry_moved_to_another_key_is_a_miss(shared):
    content_cache.put("page:mine", _entry())
    caches["content"].set("page:theirs", caches["content"].get("page:mine"))
    assert content_cache.get("page:theirs") is None
    assert content_cache.get("page:mine") is not None


def test_key_rotation(shared, settings):
    old, new = base64.b64decode(new_key()), base64.b64decode(new_key())
    settings.CACHE_ENCRYPTION_KEYS = {"old": old}
    content_cache.put("page:before", _entry("before"))
    # The new key first: it encrypts; the old one still decrypts.
    settings.CACHE_ENCRYPTION_KEYS = {"new": new, "old": old}
    assert content_cache.get("page:before").body == b"before"
    content_cache.put("page:after", _entry("after"))
    assert caches["content"].get("page:after")[:7] == b"oc1\x03new"
    # The old key dropped: its entries are misses, the new ones still read.
    settings.CACHE_ENCRYPTION_KEYS = {"new": new}
    assert content_cache.get("page:before") is None
    assert content_cache.get("page:after").body == b"after"


def test_no_entry_is_ever_written_without_a_key(shared, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.CACHE_ENCRYPTION_KEYS = {}
    with pytest.raises(ImproperlyConfigured):
        content_cache.put("page:a", _entry())
    assert caches["content"].get("page:a") is None


def test_the_per_process_cache_stays_as_it_was(settings):
    """Without Redis (the tests' settings, like ``make run``): LocMem, entries unencrypted."""
    settings.CONTENT_CACHE_SECONDS = 120
    assert settings.CACHES["content"]["BACKEND"].endswith("LocMemCache")
    assert not shared_cache.is_shared("content")
    content_cache.put("page:local", _entry())
    assert caches["content"].get("page:local") == _entry()
    caches["content"].delete("page:local")


# --- Redis down ------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """Settings that name a Redis where none listens (port 1)."""
    settings.CONTENT_CACHE_SECONDS = 120
    settings.CACHES = redis_caches("openimi-test-down", url="redis://127.0.0.1:1/0")
    settings.CACHE_ENCRYPTION_KEYS = {"k1": base64.b64decode(new_key())}
    settings.RATE_LIMIT_STORE = "openimi.common.ratelimit.RedisStore"


def test_redis_down_the_content_cache_misses(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="openimi.common.content_cache"):
        content_cache.put("page:a", _entry())
        assert content_cache.get("page:a") is None
    assert "The content cache does not answer" in caplog.text


@pytest.mark.django_db
def test_redis_down_the_rate_limits_count_in_the_database(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="openimi.common.ratelimit"):
        decisions = [ratelimit.hit("k", limit=2, period=60).allowed for _ in range(3)]
    assert decisions == [True, True, False]  # counted, never let through uncounted
    assert RateLimitCounter.objects.get(key="k").calls == 2
    assert "rate limit counted in the database" in caplog.text


# --- The system checks -----------------------------------------------------------------------


def test_the_check_refuses_a_shared_content_cache_without_a_key(shared, settings):
    assert checks.shared_content_cache_is_encrypted(None) == []
    settings.CACHE_ENCRYPTION_KEYS = {}
    (error,) = checks.shared_content_cache_is_encrypted(None)
    assert error.id == "openimi.common.E002"


def test_the_check_passes_a_per_process_content_cache_without_a_key(settings):
    settings.CACHE_ENCRYPTION_KEYS = {}
    assert checks.shared_content_cache_is_encrypted(None) == []


def test_the_redis_store_needs_a_redis_cache(settings):
    settings.RATE_LIMIT_STORE = "openimi.common.ratelimit.RedisStore"
    (error,) = checks.rate_limits_are_shared(None)
    assert error.id == "openimi.common.E001"
    settings.CACHES = redis_caches("openimi-test-check")
    assert checks.rate_limits_are_shared(None) == []
