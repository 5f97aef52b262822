"""The retention job's batches follow their own duration (issue 21): no batch holds its locks
much longer than RETENTION_BATCH_SECONDS, and a quick database gets bigger batches."""

import pytest

from openimi.exchange.workflow import State
from openimi.retention.services import BatchSizer, RunResult, retention_run


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run_batches(sizer: BatchSizer, clock: FakeClock, seconds_per_request: float, total: int):
    """Feed ``total`` requests through the sizer; each takes ``seconds_per_request``."""
    sizes, left = [], total

    def work(pks):
        clock.now += seconds_per_request * len(pks)
        return pks

    while left:
        pks = list(range(min(sizer.size, left)))
        sizer.timed(work, pks)
        sizes.append(len(pks))
        left -= len(pks)
    return sizes


def test_a_slow_database_gets_smaller_batches_at_once():
    clock = FakeClock()
    sizer = BatchSizer(size=200, target=0.4, clock=clock)
    # 9.5 ms per request: the first batch of 200 holds its locks 1.9 s (bench/purge.py at L).
    sizes = run_batches(sizer, clock, 0.0095, 2000)
    assert sizes[0] == 200
    assert all(size * 0.0095 <= 0.4 for size in sizes[1:])
    assert sizes[1] == 42  # 0.4 s / 9.5 ms


def test_a_quick_database_gets_bigger_batches_at_most_twofold():
    clock = FakeClock()
    sizer = BatchSizer(size=200, target=0.4, clock=clock)
    sizes = run_batches(sizer, clock, 0.0001, 20000)
    assert sizes[:5] == [200, 400, 800, 1600, 3200]
    assert 3999 <= max(sizes) <= 4000  # 0.4 s / 0.1 ms (rounded down), below the maximum
    assert sum(sizes) == 20000


def test_the_size_stays_between_its_bounds():
    clock = FakeClock()
    sizer = BatchSizer(size=50, target=0.4, minimum=10, maximum=60, clock=clock)
    assert run_batches(sizer, clock, 1.0, 30) == [30]  # short last batch: one batch
    sizer = BatchSizer(size=50, target=0.4, minimum=10, maximum=60, clock=clock)
    assert run_batches(sizer, clock, 1.0, 70) == [50, 10, 10]
    sizer = BatchSizer(size=50, target=0.4, minimum=10, maximum=60, clock=clock)
    assert run_batches(sizer, clock, 0.0001, 200)[:3] == [50, 60, 60]


def test_a_short_quick_last_batch_changes_nothing():
    sizer = BatchSizer(size=100, target=0.4)
    sizer.record(3, 0.001)
    assert sizer.size == 100


@pytest.mark.django_db(transaction=False)
def test_the_job_sizes_its_batches_by_their_duration(
    make_request, clock, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_BATCH_SIZE = 1
    settings.RETENTION_BATCH_SECONDS = 0.4
    ended = [make_request(State.WITHDRAWN) for _ in range(4)]
    clock.advance(days=200)
    ticks = iter(range(0, 1000))

    def slow_clock() -> float:
        return float(next(ticks))  # every batch "takes" one second: the smallest batches

    with django_capture_on_commit_callbacks(execute=True):
        assert retention_run(clock=slow_clock) == RunResult(deleted=len(ended))
        # A fixed size still works as before.
        assert retention_run(batch_size=2) == RunResult()
