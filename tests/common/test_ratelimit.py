"""``common.ratelimit``: a sliding window per key, the same in each store (the database by
default; the cache when RATE_LIMIT_STORE says so). Time is passed in, so windows are exact."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openimi.common import ratelimit
from openimi.common.models import RateLimitCounter
from tests.redis_cache import shared_redis

pytestmark = pytest.mark.django_db

DATABASE = "openimi.common.ratelimit.DatabaseStore"
CACHE = "openimi.common.ratelimit.CacheStore"
REDIS = "openimi.common.ratelimit.RedisStore"
START = 1_800_000_000 - 1_800_000_000 % 60  # a window's first second


@pytest.fixture(params=[DATABASE, CACHE, REDIS])
def store(request, settings):
    from django.core.cache import cache

    if request.param == REDIS:  # the real Redis, under a prefix of this test's own
        with shared_redis(settings):
            yield request.param
        return
    settings.RATE_LIMIT_STORE = request.param
    cache.clear()
    yield request.param
    cache.clear()


def _calls(n, *, at, key="k", limit=3, period=60):
    return [ratelimit.hit(key, limit=limit, period=period, now=at).allowed for _ in range(n)]


def test_the_limit_holds_within_a_window(store):
    assert _calls(5, at=START + 10) == [True, True, True, False, False]
    assert _calls(1, at=START + 59.9) == [False]
    assert _calls(1, at=START + 10, key="other") == [True]  # each key its own budget


def test_the_previous_window_weighs_what_is_left_of_it(store):
    assert _calls(3, at=START + 50) == [True, True, True]
    # Half-way through the next window the last 60 s hold 3 × 0.5 = 1.5 calls: 0 + 1.5 and
    # 1 + 1.5 are below 3, 2 + 1.5 is not.
    assert _calls(3, at=START + 90) == [True, True, False]
    # Refused calls are not counted: at the end of that window the estimate is 2 + 3 × 0.
    assert _calls(3, at=START + 119.99) == [True, False, False]
    # Two windows later nothing of those calls is left.
    assert _calls(4, at=START + 240) == [True, True, True, False]


def test_retry_after_is_when_a_call_is_allowed_again(store):
    _calls(3, at=START + 20)
    refused = ratelimit.hit("k", limit=3, period=60, now=START + 30)
    assert not refused.allowed
    # Three calls in this window: none until the window ends (30 s), and then at the start
    # of the next one the estimate is 3 × (1 - e/60) < 3 for any e > 0.
    assert refused.retry_after == pytest.approx(30, abs=0.01)
    assert _calls(1, at=START + 59.99) == [False]
    assert _calls(1, at=START + 60.5) == [True]


def test_retry_after_when_the_previous_window_holds_the_calls(store):
    _calls(3, at=START + 50)
    _calls(1, at=START + 61)  # 0 + 3 × 59/60 < 3: allowed; now 1 + 3 × (1 - e/60)
    refused = ratelimit.hit("k", limit=3, period=60, now=START + 62)
    assert not refused.allowed
    # 1 + 3 × (1 - e/60) < 3 once e > 20: 18 s after START + 62.
    assert refused.retry_after == pytest.approx(18, abs=0.01)
    assert _calls(1, at=START + 79.9) == [False]
    assert _calls(1, at=START + 80.1) == [True]


def test_the_database_store_keeps_one_row_per_key_and_prunes_old_ones(settings):
    settings.RATE_LIMIT_STORE = DATABASE
    _calls(2, at=START, key="a")
    _calls(2, at=START + 200, key="a")
    _calls(1, at=START, key="b")
    assert RateLimitCounter.objects.count() == 2
    row = RateLimitCounter.objects.get(key="a")
    assert (row.calls, row.previous_calls, row.window_number) == (2, 0, (START + 200) // 60)
    RateLimitCounter.objects.filter(key="b").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert ratelimit.prune() == 1
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["a"]


def test_keys_from_the_wild_are_counted_apart(settings):
    settings.RATE_LIMIT_STORE = DATABASE
    keys = ["api-anon-60:'; DROP TABLE x; --", "api-anon-60:Ωμέγα\u202e", "a" * 200]
    for key in keys:
        assert _calls(4, at=START, key=key) == [True, True, True, False]
    assert set(RateLimitCounter.objects.values_list("key", flat=True)) == set(keys)


def test_the_daily_retention_job_prunes_expired_counters(settings):
    from openimi.retention.tasks import retention_daily_task

    settings.RATE_LIMIT_STORE = DATABASE
    _calls(1, at=START, key="old")
    _calls(1, at=START, key="current")
    RateLimitCounter.objects.filter(key="old").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    retention_daily_task.call()
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["current"]


def test_a_days_budget_of_thousands_counts_without_overflow(store):
    # calls × milliseconds of a day passes 2**31 after 25 calls
    day = 86_400
    assert all(_calls(40, at=START + 10, limit=5_000, period=day))
    assert all(_calls(40, at=START + day + 10, limit=5_000, period=day))
