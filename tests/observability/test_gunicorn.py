"""A real gunicorn with two workers and openimi's gunicorn configuration: the requests of
both workers add up in every scrape (prometheus-client's multiprocess mode), and the access
lines are JSON with the request id and without the query string."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

REPO = Path(__file__).resolve().parents[2]
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
TOKEN = "gunicorn-metrics-token-0123456789"
PRIVATE = {
    "name": "Zwartewaal Loodgieters",
    "email": "griet@zwartewaal.example",
    "bsn": "123456782",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def gunicorn(tmp_path):
    port = _free_port()
    log = tmp_path / "openimi.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "OPENIMI_VAR_DIR": str(tmp_path / "var"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_FORMAT": "json",
        "LOG_FILE": str(log),
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "TRUSTED_PROXY_COUNT": "1",
    }
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "stale_counter_1.db").write_bytes(b"from an earlier run")
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-c",
            "python:openimi.observability.gunicorn",
            "openimi.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            requests.get(url + "/health/live/", timeout=30)
            break
        except requests.RequestException:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"gunicorn did not start:\n{log.read_text() if log.exists() else ''}")
            time.sleep(0.3)
    yield url, log
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def test_two_workers_count_together_and_log_json_without_query_strings(gunicorn):
    url, log = gunicorn
    request_ids = []
    for number in range(20):
        response = requests.get(
            url + "/health/live/",
            params=PRIVATE,
            headers={"X-Request-ID": f"proxy-request-{number:04d}"},
            timeout=10,
        )
        assert response.status_code == 200
        request_ids.append(response.headers["X-Request-ID"])
    assert request_ids[0] == "proxy-request-0000"  # behind a trusted proxy, its id is kept

    counts = set()
    for _ in range(6):  # each scrape may be answered by either worker
        scrape = requests.get(
            url + "/metrics/", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        )
        assert scrape.status_code == 200
        line = next(
            line
            for line in scrape.text.splitlines()
            if line.startswith("openimi_http_requests_total{")
            and 'view="observability:live"' in line
            and 'status="200"' in line
        )
        counts.add(float(line.rsplit(" ", 1)[1]))
    # 20, plus the start-up probes; the stale file of an earlier run was not added.
    assert len(counts) == 1 and 20 <= counts.pop() < 40

    time.sleep(0.5)
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert len(access) >= 20
    mine = [line for line in access if line["request_id"].startswith("proxy-request-")]
    assert {line["request_id"] for line in mine} == set(request_ids)
    # The path alone (%(U)s): the query string never reaches the line.
    assert all('"GET /health/live/ HTTP/1.1" 200' in line["message"] for line in mine)
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # gunicorn's own lines
    for value in PRIVATE.values():
        assert value.lower() not in text.lower()
        assert value.split()[0].lower() not in text.lower()
