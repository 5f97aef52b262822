"""The API's rate limits: one budget per caller, shared by every web process and kept across
restarts (counted in the database, ``common.ratelimit``); behind a proxy each caller is told
apart by the address the proxy saw (``common.net.client_address``)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from openimi.api.models import ApiTokenUse
from tests.api.conftest import bearer

REPO = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.5"


def _rates(monkeypatch, *, anon=None, user=None):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": anon, "user": user})


def _behind_proxy(caller: str, **extra) -> APIClient:
    return APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {caller}", **extra)


@pytest.mark.django_db
def test_behind_a_proxy_each_anonymous_caller_has_its_own_budget(settings, monkeypatch):
    settings.TRUSTED_PROXY_COUNT = 1
    _rates(monkeypatch, anon="2/day")
    first, second = _behind_proxy("203.0.113.9"), _behind_proxy("203.0.113.10")
    statuses = [first.get("/api/v1/schema/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # The second caller comes through the same proxy and still has its two calls.
    assert second.get("/api/v1/schema/").status_code == 200
    # Changing what the caller writes into the header itself does not help.
    forged = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9").get(
        "/api/v1/schema/"
    )
    assert forged.status_code == 429 and int(forged.headers["Retry-After"]) > 0


@pytest.mark.django_db
def test_without_trusted_proxies_the_forwarded_header_does_not_buy_budget(settings, monkeypatch):
    settings.TRUSTED_PROXY_COUNT = 0
    _rates(monkeypatch, anon="2/day")
    statuses = [
        APIClient(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").get("/api/v1/schema/").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


@pytest.mark.django_db
def test_a_user_has_one_budget_from_every_address(settings, monkeypatch, world):
    settings.TRUSTED_PROXY_COUNT = 1
    _rates(monkeypatch, user="2/day")
    token = bearer(world["handler"])
    statuses = [
        _behind_proxy(f"203.0.113.{n}", HTTP_AUTHORIZATION=token).get("/api/v1/requests/")
        for n in range(3)
    ]
    assert [response.status_code for response in statuses] == [200, 200, 429]
    assert statuses[2].json()["detail"]
    # Another user behind the same proxy is not affected.
    other = _behind_proxy("203.0.113.1", HTTP_AUTHORIZATION=bearer(world["resp_handler"]))
    assert other.get("/api/v1/requests/").status_code == 200
    # Every use of the token is logged with the caller's address, not the proxy's.
    uses = ApiTokenUse.objects.filter(token__user=world["handler"]).order_by("pk")
    assert list(uses.values_list("ip_address", flat=True)) == [f"203.0.113.{n}" for n in range(3)]


# --- Several processes ----------------------------------------------------------------------

CALLER = textwrap.dedent(
    """
    import os, sys, time
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "openimi.settings"
    django.setup()
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    setup_test_environment()
    client = APIClient(HTTP_AUTHORIZATION=sys.argv[1])
    APIClient().get("/api/v1/schema/")  # warm up, anonymous: not from the user's budget
    print("ready", flush=True)
    go = sys.argv[3]
    while not os.path.exists(go):
        time.sleep(0.01)
    codes = [client.get("/api/v1/requests/").status_code for _ in range(int(sys.argv[2]))]
    print(" ".join(map(str, codes)), flush=True)
    """
)


def _environment() -> dict[str, str]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = (
        f"postgres://{db.get('USER') or ''}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": "0",
        "API_THROTTLE_USER": "20/day",
        "API_THROTTLE_ANON": "1000/day",
        "LOG_LEVEL": "WARNING",
    }


def _start(token: str, calls: int, go: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CALLER, token, str(calls), str(go)],
        cwd=REPO,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process


def _statuses(process: subprocess.Popen[str]) -> list[int]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return [int(code) for code in out.strip().splitlines()[-1].split()]


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the test and two web processes share the database at once",
)
@pytest.mark.django_db(transaction=True)
def test_processes_share_one_budget_and_a_restart_keeps_it(world, tmp_path):
    token = bearer(world["handler"])
    go = tmp_path / "go"
    first, second = _start(token, 15, go), _start(token, 15, go)
    try:
        for process in (first, second):  # both set up before either calls
            if process.stdout.readline().strip() != "ready":
                process.kill()
                pytest.fail(process.communicate()[1])
        started = time.monotonic()
        go.touch()
        codes = _statuses(first) + _statuses(second)
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()
    # 30 calls at once from two processes against 20 a day: exactly 20 got through.
    assert codes.count(200) == 20, codes
    assert codes.count(429) == 10, codes
    assert time.monotonic() - started < 60
    # Both processes are gone; a new one (a restart) finds the budget used up.
    assert _statuses(_start(token, 1, go)) == [429]
