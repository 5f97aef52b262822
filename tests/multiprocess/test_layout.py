"""The production shape on one machine (issue 20, item 5): nginx in front of two gunicorn
instances ("a" and "b") and two ``openimi worker`` processes, on PostgreSQL, all on 127.0.0.1.

- a login through the balancer holds whichever instance serves the next request (sessions in
  the database);
- a write through instance a shows at once in the page instance b serves (the content cache
  of each process is keyed by versions kept in the database);
- the API rate limit is one budget across both instances;
- killing instance a (SIGKILL of its whole process group) while it holds a GET loses no
  request: nginx retries it on b (``proxy_next_upstream error timeout``);
- killing a worker in the middle of sending an e-mail loses none and sends none twice (a real
  SMTP server, aiosmtpd, counts by Message-ID);
- the health endpoint reports the dead worker (once worker heartbeats and health are in).

Each test starts what it needs on free ports, waits for it with deadlines, and stops every
process in a finalizer; a failure message carries the logs of every process and of nginx.
"""

from __future__ import annotations

import importlib.util
import secrets
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from openimi.accounts.security_code import security_code_set
from openimi.api.tokens import token_create
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue
from openimi.notifications.tasks import outbox_message_id
from tests.factories import TEST_PASSWORD
from tests.multiprocess.nginx import nginx_argv, nginx_available, write_config
from tests.multiprocess.processes import (
    BIN,
    REPO,
    Process,
    Processes,
    environment,
    free_port,
    login,
)
from tests.notifications.test_worker_kill import HoldingSink
from tests.smtp import SmtpSink

pytestmark = [
    pytest.mark.multiprocess,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: several processes share the database at once "
        "(set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.skipif(
        not nginx_available(),
        reason="needs nginx (Debian package nginx; scripts/system-packages.sh installs it)",
    ),
    pytest.mark.django_db(transaction=True),
]

CODE = "Layout#2026x"
ANON_RATE = 5  # API calls a minute for an anonymous caller in these tests


@dataclass
class Layout:
    processes: Processes
    balancer: str = ""
    web: dict[str, str] = field(default_factory=dict)  # name: base URL
    web_processes: dict[str, Process] = field(default_factory=dict)
    workers: dict[str, Process] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # every process's environment

    def port(self, name: str) -> str:
        return self.web[name].rsplit(":", 1)[1]

    def served_by(self, response: requests.Response) -> list[str]:
        """The instances that handled a response through nginx, in order ("a", "b")."""
        ports = {self.port(name): name for name in self.web}
        addresses = response.headers.get("X-Upstream", "")
        return [ports[a.strip().rsplit(":", 1)[1]] for a in addresses.split(",") if a.strip()]


def _start(
    processes: Processes,
    root: Path,
    sink: SmtpSink,
    *,
    web: bool = True,
    workers: int = 2,
    **extra: str,
) -> Layout:
    """Start the processes (gunicorn a and b and nginx when ``web``; ``workers`` workers) and
    wait until each serves; ``extra`` goes into their environment."""
    env = environment(
        root / "var",
        TRUSTED_PROXY_COUNT="1",
        API_THROTTLE_ANON=f"{ANON_RATE}/minute",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        SMTP_HOST=sink.host,
        SMTP_PORT=str(sink.port),
        SMTP_TIMEOUT_SECONDS="10",
        # Short leases, so that a killed worker's e-mail is recovered in seconds.
        OUTBOX_SEND_LEASE_SECONDS="2",
        OUTBOX_SWEEP_GRACE_SECONDS="1",
        OUTBOX_SWEEP_INTERVAL_SECONDS="1",
        OUTBOX_STALE_AFTER_SECONDS="3",
        OUTBOX_BACKOFF_SECONDS="1",
        **extra,
    )
    layout = Layout(processes, env=env)
    if web:
        for name in ("a", "b"):
            port = free_port()
            layout.web[name] = f"http://127.0.0.1:{port}"
            layout.web_processes[name] = processes.gunicorn(f"web-{name}", env, port)
        port = free_port()
        config = write_config(root / "nginx", port, [int(layout.port(n)) for n in layout.web])
        processes.extra_logs.append(root / "nginx" / "nginx-error.log")
        processes.start("nginx", nginx_argv(root / "nginx", config), env)
        layout.balancer = f"http://127.0.0.1:{port}"
    for number in range(1, workers + 1):
        name = f"worker-{number}"
        layout.workers[name] = processes.worker(name, env)
    for base in [*layout.web.values(), *([layout.balancer] if web else [])]:
        processes.wait_serving(base)
    return layout


def _shared_state(kind: str) -> tuple[dict[str, str], Callable[[], None]]:
    """The environment for where shared state lives: "database" (the default: sessions, rate
    limits and counters in PostgreSQL, each process's own content cache) or "redis"
    (``REDIS_URL``: cache and rate limits in Redis, under a key prefix of this run, whose keys
    are deleted afterwards); and the clean-up."""
    if kind == "database":
        return {}, lambda: None
    if not hasattr(settings, "REDIS_URL"):
        pytest.skip("REDIS_URL (issue 20 item 1, shared state in Redis) is not in this branch")
    from tests.redis_cache import REDIS_URL, new_key, redis_client

    client = redis_client()  # skips, saying why, when no Redis answers
    prefix = f"openimi-layout-{secrets.token_hex(6)}"

    def clean() -> None:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()

    env = {
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "CACHE_ENCRYPTION_KEYS": f"layout:{new_key()}",
    }
    return env, clean


@pytest.fixture(scope="module", params=["database", "redis"])
def shared_layout(request, django_db_setup, tmp_path_factory) -> Iterator[Layout]:
    """nginx and the two web instances, started once per kind of shared state for the tests
    that leave them alive (each test's data is its own: the database is emptied between
    tests)."""
    extra, clean = _shared_state(request.param)
    root = tmp_path_factory.mktemp(f"layout-{request.param}")
    sink = SmtpSink()
    sink.start()
    processes = Processes(root)
    try:
        yield _start(processes, root, sink, workers=0, **extra)
    finally:
        processes.stop_all()
        sink.stop()
        clean()


@pytest.fixture
def start_layout(tmp_path: Path) -> Iterator[Callable[..., Layout]]:
    """``start_layout(sink, web=True, workers=2)``: a layout of this test's own."""
    processes = Processes(tmp_path)
    try:
        yield lambda sink, **options: _start(processes, tmp_path, sink, **options)
    finally:
        processes.stop_all()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    server.start()
    yield server
    server.stop()


def _user_with_code(user):
    security_code_set(user=user, code=CODE)
    return user


def _recording(session: requests.Session, layout: Layout) -> list[str]:
    served: list[str] = []
    session.hooks["response"].append(lambda r, *a, **k: served.extend(layout.served_by(r)))
    return served


def test_a_login_through_the_balancer_holds_on_both_instances(shared_layout, world):
    layout = shared_layout
    user = _user_with_code(world["handler"])
    browser = requests.Session()
    served = _recording(browser, layout)

    done = login(browser, layout.balancer, user.username, TEST_PASSWORD, CODE)
    assert done.status_code == 302 and done.headers["Location"] == "/", done.text[-2000:]
    # The three steps of the login already went to both instances, round robin.
    assert set(served) == {"a", "b"}

    served.clear()
    for _ in range(6):
        home = browser.get(f"{layout.balancer}/", allow_redirects=False, timeout=30)
        assert home.status_code == 200  # not a redirect to the login page
        assert 'action="/accounts/logout/"' in home.text
    assert Counter(served) == {"a": 3, "b": 3}
    # Each instance, asked directly, knows the session too.
    for base in layout.web.values():
        page = browser.get(f"{base}/", allow_redirects=False, timeout=30)
        assert page.status_code == 200 and 'action="/accounts/logout/"' in page.text


def test_a_write_through_one_instance_shows_at_once_on_the_other(
    shared_layout, world, make_request
):
    layout = shared_layout
    user = _user_with_code(world["handler"])
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    token = token_create(actor=user, user=user, name="layout").secret
    api = {"Authorization": f"Bearer {token}"}
    on_b = requests.Session()
    assert login(on_b, layout.web["b"], user.username, TEST_PASSWORD, CODE).status_code == 302
    page_url = f"{layout.web['b']}/requests/{info_request.pk}/"
    api_url = f"{layout.web['b']}/api/v1/requests/{info_request.pk}/"

    # Read twice on b: the page is in b's content cache now.
    before = [on_b.get(page_url, timeout=30) for _ in range(2)]
    assert [page.status_code for page in before] == [200, 200]
    assert all("Awaiting acceptance" in page.text for page in before)
    assert "Withdrawn" not in before[1].text
    assert requests.get(api_url, headers=api, timeout=30).json()["status"] == "awaiting_acceptance"

    withdrawn = requests.post(
        f"{layout.web['a']}/api/v1/requests/{info_request.pk}/withdraw/",
        json={},
        headers=api,
        timeout=30,
    )
    assert withdrawn.status_code == 200, withdrawn.text

    after = on_b.get(page_url, timeout=30)  # at once: no waiting for a cache to expire
    assert after.status_code == 200
    assert "Withdrawn" in after.text
    assert requests.get(api_url, headers=api, timeout=30).json()["status"] == "withdrawn"


def test_the_api_rate_limit_counts_across_both_instances(shared_layout):
    layout = shared_layout
    schema = "/api/v1/schema/"
    responses = [
        requests.get(f"{layout.balancer}{schema}", timeout=60) for _ in range(ANON_RATE + 2)
    ]
    statuses = [response.status_code for response in responses]
    assert statuses == [200] * ANON_RATE + [429, 429]
    # The five allowed calls went to both instances, and each refused one too.
    assert {name for r in responses[:ANON_RATE] for name in layout.served_by(r)} == {"a", "b"}
    assert {name for r in responses[ANON_RATE:] for name in layout.served_by(r)} == {"a", "b"}
    # Asked directly (the same address, 127.0.0.1), each instance refuses as well.
    for base in layout.web.values():
        assert requests.get(f"{base}{schema}", timeout=60).status_code == 429


def test_killing_a_web_instance_loses_no_retried_request(start_layout, sink):
    layout = start_layout(sink, workers=0)
    url = f"{layout.balancer}/accounts/login/"
    a = layout.web_processes["a"]

    # Instance a stops answering (frozen, as a machine that hangs), with GETs on their way to
    # it; then it dies. nginx gets a reset connection and sends each of those GETs to b.
    a.freeze()
    results: list[requests.Response | Exception] = []

    def get() -> None:
        try:
            results.append(requests.get(url, timeout=60))
        except requests.RequestException as error:
            results.append(error)

    threads = [threading.Thread(target=get) for _ in range(4)]
    for thread in threads:
        thread.start()
    # Round robin: two of the four went to a and wait there.
    layout.processes.wait_until(lambda: len(results) == 2, "the GETs that b answered")
    time.sleep(0.5)
    assert len(results) == 2  # the other two are held by the frozen instance
    a.kill()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(r, requests.Response) for r in results), results
    assert [r.status_code for r in results] == [200] * 4
    retried = [layout.served_by(r) for r in results if layout.served_by(r) == ["a", "b"]]
    assert len(retried) == 2  # went to a, failed there, answered by b
    # And after the kill, every request is answered by b.
    after = [requests.get(url, timeout=30) for _ in range(4)]
    assert [r.status_code for r in after] == [200] * 4
    assert {tuple(layout.served_by(r)) for r in after} == {("b",)}


def test_killing_a_worker_mid_delivery_loses_no_email_and_sends_none_twice(start_layout):
    sink = HoldingSink("rcpt")  # holds the first SMTP conversation before the message
    sink.start()
    try:
        layout = start_layout(sink, web=False, workers=2)
        keys = [f"layout:{n}" for n in range(8)]
        for n, key in enumerate(keys):
            outbox_enqueue(
                key=key,
                recipient_email=f"person{n}@example.org",
                subject=f"Message {n}",
                body_text="Text",
            )
        layout.processes.wait_until(sink.handler.held.is_set, "a worker in mid-delivery")
        running = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, task_path__contains="outbox_deliver"
        )
        holder = layout.processes.wait_until(
            lambda: next((t.worker_ids[-1] for t in running if t.worker_ids), None),
            "the task the held delivery runs in",
        )
        doomed = layout.workers[holder]
        doomed.kill()
        sink.handler.release.set()
        survivor = next(p for name, p in layout.workers.items() if name != holder)

        sent = OutboxMessage.objects.filter(key__in=keys, status=OutboxMessage.Status.SENT)
        layout.processes.wait_until(lambda: sent.count() == len(keys), "every e-mail sent")
        time.sleep(1.5)  # a duplicate the outbox excludes would show up now
        assert survivor.alive()
    finally:
        sink.stop()

    received = Counter(message["Message-ID"] for message in sink.messages)
    assert received == {outbox_message_id(key): 1 for key in keys}


def _workers_check_registered() -> bool:
    """Worker heartbeats (issue 20 item 2) and their readiness check "workers" are in."""
    if importlib.util.find_spec("openimi.notifications.health") is None:
        return False
    from openimi.observability.health import registered_checks

    return "workers" in registered_checks()


@pytest.mark.skipif(
    not _workers_check_registered(),
    reason="needs worker heartbeats and the readiness check 'workers' (issue 20 item 2)",
)
def test_the_health_endpoint_reports_a_dead_worker(start_layout, sink, tmp_path):
    heartbeat = {
        "WORKER_REQUIRED": "1",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_HEARTBEAT_DEAD_AFTER_SECONDS": "3",
    }
    layout = start_layout(sink, workers=2, **heartbeat)
    ready_url = f"{layout.balancer}/health/ready/"

    def ready() -> tuple[int, dict]:
        response = requests.get(ready_url, timeout=30)
        return response.status_code, response.json()

    def workers_report() -> str:
        env = environment(tmp_path / "var", **heartbeat)
        done = subprocess.run(  # noqa: S603 - our own command
            [str(BIN / "openimi"), "workers"], env=env, capture_output=True, text=True, cwd=REPO
        )
        return done.stdout

    layout.processes.wait_until(
        lambda: ready()[0] == 200 and "2 alive, 0 dead" in workers_report(),
        "both workers alive and the site ready",
    )
    first, second = layout.workers["worker-1"], layout.workers["worker-2"]

    first.kill()
    report = layout.processes.wait_until(
        lambda: next((text for text in [workers_report()] if "1 alive, 1 dead" in text), None),
        "the operator's report to show the killed worker dead",
    )
    assert any(line.startswith("DEAD") and "worker-1" in line for line in report.splitlines())
    assert ready()[0] == 200  # one worker alive: the site still sends its e-mail

    second.kill()
    _status, body = layout.processes.wait_until(
        lambda: next((answer for answer in [ready()] if answer[0] == 503), None),
        "the readiness check to fail without a live worker",
    )
    assert body["status"] == "failing" and body["checks"]["workers"] == "failing"
    assert all(result == "ok" for name, result in body["checks"].items() if name != "workers")

    # A new worker: the site is ready again as soon as its first heartbeat is in.
    layout.workers["worker-3"] = layout.processes.worker("worker-3", layout.env)
    layout.processes.wait_until(lambda: ready()[0] == 200, "ready again with a new worker")
