"""Issue 16, item 8: while the database cannot be reached, openimi answers 503 with a page in
the visitor's language that says to try again (not Django's bare "Server Error (500)").

A real web server (gunicorn, DEBUG off) runs against a PostgreSQL address where nothing
listens (a closed port on 127.0.0.1), so every query fails as in an outage."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import lxml.html
import pytest
import requests
from django.test import RequestFactory
from django.utils import translation

from openimi.common.error_pages import server_error

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def site_without_database(tmp_path_factory):
    closed = _free_port()  # bound and released: nothing listens there
    port = _free_port()
    var = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://root@127.0.0.1:{closed}/openimi",
        "DEBUG": "0",
        "OPENIMI_VAR_DIR": str(var),
        "PYTHONUNBUFFERED": "1",
    }
    server = subprocess.Popen(  # noqa: S603 - our own application
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "openimi.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(base + "/about/", timeout=5)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.3)
    yield base
    server.terminate()
    server.wait(timeout=30)


# A visitor with a session: reading it needs the database.
SESSION = {"sessionid": "x" * 32}


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        (
            "en",
            "Sorry, openimi is not available right now",
            "What you sent last was not saved. Please try again in a few minutes.",
        ),
        (
            "nl",
            "Excuses, openimi is op dit moment niet beschikbaar",
            "Wat u het laatst verstuurde, is niet opgeslagen. Probeer het over enkele minuten "
            "opnieuw.",
        ),
    ],
)
def test_an_outage_answers_503_in_the_visitors_language(
    site_without_database, language, heading, advice
):
    response = requests.get(
        site_without_database + "/requests/incoming/?status=accepted",
        headers={"Accept-Language": f"{language},en;q=0.5"},
        cookies=SESSION,
        timeout=30,
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    document = lxml.html.fromstring(response.text)
    assert document.get("lang") == language
    assert document.xpath("string(//h1)") == heading
    body = " ".join(document.xpath("string(//main)").split())
    assert advice in body
    assert "Server Error" not in response.text
    again = document.xpath("//main//a")[0]
    assert again.get("href") == "/requests/incoming/?status=accepted"


def test_the_language_cookie_wins_over_the_browser(site_without_database):
    response = requests.get(
        site_without_database + "/",
        headers={"Accept-Language": "en"},
        cookies={**SESSION, "django_language": "nl"},
        timeout=30,
    )
    assert response.status_code == 503
    assert "niet beschikbaar" in response.text


def test_a_form_sent_during_the_outage_offers_no_link_to_send_again(site_without_database):
    response = requests.post(
        site_without_database + "/accounts/login/",
        data={"username": "bram", "password": "x"},
        cookies=SESSION,
        timeout=30,
    )
    assert response.status_code == 503
    assert lxml.html.fromstring(response.text).xpath("//main//a") == []


def test_the_api_answers_503_in_json(site_without_database):
    response = requests.get(
        site_without_database + "/api/v1/requests/",
        headers={"Authorization": "Bearer oimi_abcdefgh_0123456789abcdef", "Accept-Language": "nl"},
        timeout=30,
    )
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/json"
    assert "niet beschikbaar" in response.json()["detail"]


def test_any_other_failure_is_a_translated_500():
    request = RequestFactory().get("/requests/", HTTP_ACCEPT_LANGUAGE="nl")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Retry-After" not in response
    document = lxml.html.fromstring(response.content.decode())
    assert document.get("lang") == "nl"
    assert document.xpath("string(//h1)") == "Excuses, er is een probleem met openimi"
    with translation.override("en"):
        request = RequestFactory().get("/requests/")
        try:
            raise ValueError("a bug")
        except ValueError:
            response = server_error(request)
    assert "Sorry, there is a problem with openimi" in response.content.decode()
