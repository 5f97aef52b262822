"""With REDIS_URL the content cache is shared, and Redis holds no readable personal data:
a request page showing the provider's name and e-mail address is kept (encrypted) and read
back from Redis, and no value of any key in the Redis database contains them."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openimi.common import content_cache, shared_cache
from openimi.exchange.workflow import State
from tests.exchange.conftest import PROVIDER_EMAIL, PROVIDER_NAME
from tests.redis_cache import shared_redis

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared(settings):
    settings.CONTENT_CACHE_SECONDS = 120
    with shared_redis(settings) as found:
        yield found


def _read(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def test_redis_holds_no_readable_personal_data(shared, client, world, make_request):
    redis, prefix = shared
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["handler"])
    url = reverse("exchange:detail", args=[info_request.pk])
    first, rendered = _read(client, url)
    second, served = _read(client, url)
    assert PROVIDER_NAME in first.text
    assert PROVIDER_NAME in second.text
    assert served < rendered  # the second page came from Redis

    page_keys = [k for k in redis.scan_iter(match=f"{prefix}:content:*")]
    assert page_keys
    # The entry is the page, encrypted: it decrypts to the provider's name...
    (raw_key,) = page_keys
    logical_key = raw_key.decode().split(":", 3)[-1]  # <prefix>:content:<version>:<key>
    entry = shared_cache.unseal("content", logical_key, caches["content"].get(logical_key))
    assert PROVIDER_NAME.encode() in entry.body
    # ...and no value of any key in this Redis database holds it readable.
    needles = [
        text.encode(encoding)
        for text in (PROVIDER_NAME, PROVIDER_EMAIL, "Jansen")
        for encoding in ("utf-8", "utf-16-le", "utf-32-le")
    ]
    for key in redis.scan_iter():
        assert not any(needle in key for needle in needles), key
        if redis.type(key) != b"string":
            continue  # not ours: Django's cache and the rate limits write strings only
        value = redis.get(key) or b""
        assert not any(needle in value for needle in needles), key


def test_a_redis_down_renders_the_page(settings, client, world, make_request):
    """Redis does not answer: the page is rendered every time, no error."""
    from tests.redis_cache import redis_caches

    settings.CONTENT_CACHE_SECONDS = 120
    settings.CACHES = redis_caches("openimi-test-down", url="redis://127.0.0.1:1/0")
    settings.CACHE_ENCRYPTION_KEYS = {"k1": b"k" * 32}
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["handler"])
    url = reverse("exchange:detail", args=[info_request.pk])
    first, rendered = _read(client, url)
    second, again = _read(client, url)
    assert PROVIDER_NAME in second.text
    assert again == rendered  # rendered afresh both times
    assert content_cache.get("anything") is None
