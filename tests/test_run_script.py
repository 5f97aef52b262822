"""``make run``'s script (scripts/run.sh) as a user runs it, on the test database (issue 15).

- Item 16: with ``OPENIMI_ADDRESS`` the site answers there, and the links in e-mails and in the
  printed user details point there (not to the default 127.0.0.1:8000).
- Item 7: a worker that exits is started again, and e-mail still goes out.

The script runs in a process group of its own, stopped at the end with SIGTERM (the script's
trap stops the web server and the worker with it).
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue
from tests.smtp import SmtpSink

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the script's processes share the database with the test "
        "(set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 60
WORKER_STARTED = re.compile(r"openimi worker started \(pid (\d+)\)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunScript:
    """scripts/run.sh in its own process group; its output collected line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(  # noqa: S603 - our own script
            ["scripts/run.sh"],  # noqa: S607
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in self.process.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip())

    def worker_pids(self) -> list[int]:
        return [int(m.group(1)) for line in self.lines if (m := WORKER_STARTED.search(line))]

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(f"run.sh stopped while waiting for {what}:\n" + self.output())
            if time.monotonic() > deadline:
                pytest.fail(f"Timed out waiting for {what}:\n" + self.output())
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def output(self) -> str:
        return "\n".join(self.lines[-60:])


@pytest.fixture
def sink():
    server = SmtpSink()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def run_script(sink, tmp_path):
    """Start run.sh at a free OPENIMI_ADDRESS on the test database; yields (script, address)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    address = f"127.0.0.1:{_free_port()}"
    env = {
        **os.environ,
        "OPENIMI_ADDRESS": address,
        "DATABASE_URL": f"postgres://{db.get('USER') or ''}{password}@"
        f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,  # the test's session cookie is valid there
        "OPENIMI_VAR_DIR": str(tmp_path),
        "SMTP_HOST": sink.host,
        "SMTP_PORT": str(sink.port),
        "OPENIMI_WORKER_RESTART_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SITE_URL", None)
    script = RunScript(env)
    try:
        yield script, address
    finally:
        script.stop()


def _wait_until_serving(script: RunScript, address: str) -> None:
    def answers() -> bool:
        try:
            return requests.get(f"http://{address}/accounts/login/", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    script.wait_for(answers, f"the site at {address}")


def _logged_in_session(user) -> requests.Session:
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return session


def test_links_point_to_the_address_the_site_runs_on(run_script, sink, lda, handler):
    script, address = run_script
    login_url = f"http://{address}/accounts/login/"
    _wait_until_serving(script, address)
    browser = _logged_in_session(lda)

    details = browser.get(f"http://{address}/administration/users/{handler.pk}/", timeout=10)
    assert details.status_code == 200
    sheet = browser.get(f"http://{address}/reports/users/{handler.pk}/details.docx", timeout=30)
    assert sheet.status_code == 200
    document = zipfile.ZipFile(io.BytesIO(sheet.content)).read("word/document.xml").decode()
    assert login_url in document
    assert "127.0.0.1:8000" not in document

    # Reset the handler's password: the e-mail, written by the web process, links here.
    page = browser.get(f"http://{address}/administration/users/{handler.pk}/reset-password/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = browser.post(
        f"http://{address}/administration/users/{handler.pk}/reset-password/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
        timeout=10,
    )
    assert done.status_code == 200
    assert done.url.endswith(f"/administration/users/{handler.pk}/")
    assert "A new temporary password has been e-mailed" in done.text
    script.wait_for(lambda: sink.messages, "the temporary password e-mail")
    body = sink.messages[0].get_body(("plain",)).get_content()
    assert sink.messages[0]["To"] == handler.email
    assert login_url in body
    assert "127.0.0.1:8000" not in body


def test_a_worker_that_exits_is_started_again(run_script, sink):
    script, address = run_script
    script.wait_for(lambda: script.worker_pids(), "the first worker")
    first = script.worker_pids()[0]
    outbox_enqueue(key="run:first", recipient_email="a@example.org", subject="First", body_text="1")
    script.wait_for(lambda: len(sink.messages) == 1, "the first e-mail")

    os.kill(first, signal.SIGKILL)
    script.wait_for(lambda: len(script.worker_pids()) == 2, "a new worker")
    assert script.worker_pids()[1] != first
    assert any("exited" in line for line in script.lines)
    outbox_enqueue(
        key="run:second", recipient_email="b@example.org", subject="Second", body_text="2"
    )
    script.wait_for(lambda: len(sink.messages) == 2, "the second e-mail")
    assert [m["Subject"] for m in sink.messages] == ["First", "Second"]
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT)
    script.wait_for(lambda: sent.count() == 2, "both e-mails recorded as sent")


@pytest.mark.parametrize(
    ("environment", "site_url"),
    [
        ({"OPENIMI_ADDRESS": "127.0.0.1:8123"}, "http://127.0.0.1:8123"),
        ({"OPENIMI_ADDRESS": "8123"}, "http://127.0.0.1:8123"),
        ({"OPENIMI_ADDRESS": "0.0.0.0:8123"}, "http://127.0.0.1:8123"),
        ({"OPENIMI_ADDRESS": "imi.local:8123"}, "http://imi.local:8123"),
        (
            {"OPENIMI_ADDRESS": "127.0.0.1:8123", "SITE_URL": "https://imi.example.org/"},
            "https://imi.example.org",
        ),
        ({}, "http://127.0.0.1:8000"),
    ],
)
def test_site_url_follows_the_address_unless_set(environment, site_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "OPENIMI_ADDRESS")}
    env.update(
        environment, OPENIMI_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="openimi.settings"
    )
    shown = subprocess.run(  # noqa: S603 - our own settings
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.SITE_URL, settings.ALLOWED_HOSTS)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split(" ", 1)
    assert shown[0] == site_url
    host = site_url.split("//")[1].rsplit(":", 1)[0]
    if "SITE_URL" not in environment:  # the site answers to the name its links use
        assert f"'{host}'" in shown[1]
