"""Real processes for the multi-process tests: gunicorn, ``openimi worker``, nginx.

Every process gets a free port on 127.0.0.1, its own log file under the test's tmp_path and
its own process group (``start_new_session``), so that a finalizer can always end it and
everything it started. ``wait_until`` polls with a deadline and, on failure, puts the logs of
every process into the failure message.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
TIMEOUT = 60
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
POSITION = re.compile(r"Character (\d+) of your security code")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def database_url(name: str | None = None) -> str:
    """The URL of the test database (or of another database on the same server)."""
    from django.db import connection

    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or HOST
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name or db['NAME']}"


def security_code_keys() -> str:
    """The test process's security-code keys, so that codes it wrote decrypt elsewhere."""
    return ",".join(
        f"{key_id}:{base64.b64encode(key).decode()}"
        for key_id, key in settings.SECURITY_CODE_KEYS.items()
    )


def environment(var_dir: Path, **extra: str) -> dict[str, str]:
    """Production-like settings over plain HTTP on 127.0.0.1, the keys of the test process.

    Not ``OPENIMI_ENV=production`` itself, which insists on HTTPS; what it changes besides
    (DEBUG off, explicit secrets) is set here by hand, as bench/benchenv.py does.
    """
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "SECURITY_CODE_KEYS": security_code_keys(),
        "SECURITY_CODE_CURRENT_KEY_ID": settings.SECURITY_CODE_CURRENT_KEY_ID,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "OPENIMI_VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SITE_URL", None)
    env.pop("OPENIMI_ADDRESS", None)
    env.update(extra)
    return env


class Process:
    """One child process in its own process group, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own commands
            argv,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def freeze(self) -> None:
        """SIGSTOP the whole process group: it holds its connections and answers nothing."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def kill(self) -> None:
        """SIGKILL the whole process group (gunicorn's arbiter and its workers)."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        # Children left in the group (a killed arbiter's workers) go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()

    def log(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""


class Processes:
    """The processes of one test; ``stop_all`` is the finalizer."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.all: list[Process] = []
        self.extra_logs: list[Path] = []  # other files to show on failure (nginx's error log)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Process:
        process = Process(name, argv, env, self.log_dir)
        self.all.append(process)
        return process

    def gunicorn(self, name: str, env: dict[str, str], port: int, workers: int = 2) -> Process:
        return self.start(
            name,
            [
                str(BIN / "gunicorn"),
                "openimi.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"{HOST}:{port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            env,
        )

    def worker(self, name: str, env: dict[str, str]) -> Process:
        return self.start(
            name,
            [str(BIN / "openimi"), "worker", "--interval", "0.1", "--worker-id", name],
            env,
        )

    def logs(self) -> str:
        parts = [
            f"----- {p.name} (pid {p.pid}, {'running' if p.alive() else 'ended'}) -----\n{p.log()}"
            for p in self.all
        ]
        for path in self.extra_logs:
            text = path.read_text(errors="replace")[-4000:] if path.exists() else "(none)"
            parts.append(f"----- {path.name} -----\n{text}")
        return "\n".join(parts)

    def wait_until(self, condition: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            try:
                result = condition()
            except requests.RequestException:
                result = None
            if result:
                return result
            if time.monotonic() > deadline:
                pytest.fail(f"Timed out after {timeout} s waiting for {what}.\n{self.logs()}")
            time.sleep(0.1)

    def wait_serving(self, base: str, timeout: float = TIMEOUT) -> None:
        self.wait_until(
            lambda: requests.get(f"{base}/accounts/login/", timeout=5).status_code == 200,
            f"{base} to serve the login page",
            timeout,
        )

    def stop_all(self) -> None:
        for process in reversed(self.all):
            process.stop()


def login(
    session: requests.Session, base: str, username: str, password: str, code: str
) -> requests.Response:
    """The real two-step login through the pages; returns the final response (302 home)."""
    page = session.get(f"{base}/accounts/login/", timeout=30)
    step2 = session.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    positions = [int(p) for p in POSITION.findall(step2.text)]
    assert len(positions) == 3, step2.text[-2000:]
    data = {"csrfmiddlewaretoken": CSRF.search(step2.text).group(1)}
    for index, position in enumerate(positions, start=1):
        data[f"character_{index}"] = code[position - 1]
    return session.post(
        f"{base}/accounts/login/code/",
        data=data,
        headers={"Referer": f"{base}/accounts/login/code/"},
        allow_redirects=False,
        timeout=30,
    )
