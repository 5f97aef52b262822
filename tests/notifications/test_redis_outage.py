"""Redis is unreachable (the shared cache of issue 20 item 1): the worker does not die.

The cache points at a port on 127.0.0.1 where nothing listens, so every cache call raises
redis' own ConnectionError for real. A task whose cache call fails is recorded as failed like
any failing task and the worker goes on to the next; an error that escapes the task loop itself
(here a ``task_finished`` receiver that counts in the cache) makes the worker wait and go on,
as after a database outage.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.tasks import TaskResultStatus, task
from django.tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue

redis = pytest.importorskip("redis", reason="the redis package comes with REDIS_URL (item 1)")

pytestmark = pytest.mark.django_db(transaction=True)  # the worker reconnects between tasks


@task()
def cache_touch_task() -> object:
    """A task that reads the shared cache, as a cached page or a rate limit would."""
    return cache.get("some-key")


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    """The default cache on Redis at a port where nothing listens (refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    with pytest.raises(redis.exceptions.ConnectionError):
        cache.get("probe")
    yield


def test_a_task_failing_on_redis_fails_alone_and_the_worker_goes_on(
    redis_down, smtp_sink, run_worker
):
    touched = cache_touch_task.enqueue()
    outbox_enqueue(key="redis:1", recipient_email="a@example.org", subject="S", body_text="T")

    run_worker()

    result = DBTaskResult.objects.get(pk=touched.id)
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "redis.exceptions.ConnectionError"
    assert OutboxMessage.objects.get(key="redis:1").status == OutboxMessage.Status.SENT
    assert [m["Subject"] for m in smtp_sink.messages] == ["S"]


def test_a_redis_error_outside_the_tasks_makes_the_worker_wait_not_die(
    redis_down, smtp_sink, run_worker, settings
):
    settings.WORKER_DB_RETRY_MAX_SECONDS = 1

    def count_in_cache(**kwargs: object) -> None:
        cache.incr("tasks-finished")

    outbox_enqueue(key="redis:a", recipient_email="a@example.org", subject="A", body_text="T")
    outbox_enqueue(key="redis:b", recipient_email="b@example.org", subject="B", body_text="T")
    task_finished.connect(count_in_cache, dispatch_uid="test-count-in-cache")
    errors = StringIO()
    try:
        run_worker(stderr=errors)  # returns: the batch ran out of tasks, the worker did not die
    finally:
        task_finished.disconnect(dispatch_uid="test-count-in-cache")

    assert "Redis is unreachable" in errors.getvalue()
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
    assert set(sent.values_list("key", flat=True)) == {"redis:a", "redis:b"}
    assert sorted(m["Subject"] for m in smtp_sink.messages) == ["A", "B"]
