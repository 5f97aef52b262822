"""``/health/live/`` and ``/health/ready/``: public, cheap, 200 or 503, and telling nothing
but which check failed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from openimi.notifications.models import OutboxMessage, WorkerHeartbeat
from openimi.observability import health

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
BUILT_IN = ["database", "cache", "migrations", "outbox", "workers"]


def test_live_answers_without_login_database_or_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_ready_answers_every_check_ok(client, django_assert_num_queries):
    client.get(reverse("observability:ready"))  # the applied migrations are read once
    with django_assert_num_queries(3):  # SELECT 1, the outbox and the workers' heartbeats
        response = client.get(reverse("observability:ready"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert list(body["checks"]) == BUILT_IN
    assert set(body["checks"].values()) == {"ok"}


def test_health_is_public_for_a_logged_in_user_as_for_anyone(client, world):
    client.force_login(world["basic"])
    assert client.get("/health/ready/").status_code == 200
    client.logout()
    assert client.get("/health/ready/").status_code == 200  # not sent to the login page


def test_only_get(client):
    assert client.post("/health/ready/").status_code == 405
    assert client.post("/health/live/").status_code == 405


def _outbox_message(*, due_minutes_ago: float, attempts: int = 0) -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=f"test:{due_minutes_ago}:{attempts}",
        recipient_email="someone@example.org",
        subject="s",
        body_text="b",
        attempts=attempts,
        next_attempt_at=timezone.now() - timedelta(minutes=due_minutes_ago),
    )


def test_an_email_waiting_too_long_makes_ready_fail(client, settings):
    settings.HEALTH_OUTBOX_MAX_AGE_SECONDS = 15 * 60
    _outbox_message(due_minutes_ago=5)
    assert client.get("/health/ready/").status_code == 200
    _outbox_message(due_minutes_ago=20)
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "migrations": "ok",
            "outbox": "failing",
            "workers": "ok",  # WORKER_REQUIRED is off outside production
        },
    }


def test_an_email_scheduled_for_later_does_not_count(client):
    _outbox_message(due_minutes_ago=-24 * 60)  # a temporary password, due tomorrow
    assert client.get("/health/ready/").status_code == 200


def test_a_failing_cache_makes_ready_fail(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache wants a directory")
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocker / "cache"),
        },
    }
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failing"
    assert response.json()["checks"]["database"] == "ok"


def test_one_more_check_can_be_registered(client):
    health.register_check("extra", lambda: False)
    try:
        response = client.get("/health/ready/")
        assert response.status_code == 503
        assert response.json()["checks"]["extra"] == "failing"
        health.register_check("extra", lambda: True)
        response = client.get("/health/ready/")
        assert response.status_code == 200
        assert list(response.json()["checks"]) == [*BUILT_IN, "extra"]
    finally:
        health._checks.pop("extra", None)


def test_ready_fails_while_no_worker_is_alive_when_one_is_required(client, settings):
    settings.WORKER_REQUIRED = True
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == "failing"
    now = timezone.now()
    dead = WorkerHeartbeat.objects.create(
        worker_id="killed",
        hostname="worker-machine-7",
        pid=1,
        started_at=now,
        last_seen=now - timedelta(hours=1),
    )
    assert client.get("/health/ready/").status_code == 503  # a dead worker does not count
    WorkerHeartbeat.objects.create(
        worker_id="alive", hostname="h", pid=2, started_at=now, last_seen=now
    )
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json()["checks"]["workers"] == "ok"
    assert dead.hostname not in response.content.decode()  # names no machine
    settings.WORKER_REQUIRED = False
    WorkerHeartbeat.objects.all().delete()
    assert client.get("/health/ready/").status_code == 200


def test_a_check_that_raises_fails_and_is_logged_for_the_operator(client, caplog):
    def broken() -> bool:
        raise RuntimeError("lost its way")

    health.register_check("broken", broken)
    try:
        response = client.get("/health/ready/")
    finally:
        health._checks.pop("broken", None)
    assert response.status_code == 503
    assert b"lost its way" not in response.content  # the operator's log says why, not the page
    assert any("Readiness check broken failed" in r.getMessage() for r in caplog.records)


def _ready_in_a_process(database_url: str, tmp_path) -> tuple[int, dict, str]:
    """GET /health/ready/ in a fresh process configured with ``database_url``."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/health/ready/');"
        "print('RESULT', r.status_code, r.content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openimi.settings",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "testserver",
        "OPENIMI_VAR_DIR": str(tmp_path / "var"),
        "DB_CONN_MAX_AGE": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    _, status, body = line.split(" ", 2)
    return int(status), json.loads(body), done.stdout + done.stderr


def test_database_outage_makes_ready_fail_and_says_nothing_of_the_server(tmp_path):
    # A real refused connection: nothing listens on port 1.
    status, body, output = _ready_in_a_process(
        "postgres://openimi:secret-password@127.0.0.1:1/openimi", tmp_path
    )
    assert status == 503
    assert body["status"] == "failing"
    assert body["checks"]["database"] == "failing"
    assert body["checks"]["cache"] == "ok"
    text = json.dumps(body)
    for secret in ("127.0.0.1", "secret-password", "openimi:", "5432", "psycopg", "connection"):
        assert secret not in text
    assert "Readiness check database failed: OperationalError" in output  # the operator's log
    assert "secret-password" not in output


def test_unapplied_migrations_make_ready_fail(tmp_path):
    # A fresh, empty database: reachable, but nothing is migrated.
    status, body, _ = _ready_in_a_process(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path)
    assert status == 503
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "failing"


def test_the_migrations_answer_is_kept_once_all_are_applied(client, django_assert_num_queries):
    health.forget_migrations()
    assert health.migrations_check() is True
    with django_assert_num_queries(0):
        assert health.migrations_check() is True
