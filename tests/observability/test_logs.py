"""The request id (in every line of a request, in the response, and in the lines of the
tasks the request queued) and the redaction every line goes through."""

from __future__ import annotations

import logging
import re
import signal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.observability.context import bound
from openimi.observability.logs import logging_config, redact

pytestmark = pytest.mark.django_db

from tests.notifications.conftest import _WORKER_SIGNALS  # noqa: E402

HEX32 = re.compile(r"[0-9a-f]{32}")


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get("/health/live/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]
    assert HEX32.fullmatch(first) and HEX32.fullmatch(second) and first != second


def test_a_proxys_sane_request_id_is_kept_behind_a_trusted_proxy(client, settings):
    offered = "0f9e8d7c6b5a49382716a5b4c3d2e1f0"
    # Without a proxy in front, a caller could choose its id: a new one.
    assert client.get("/health/live/", HTTP_X_REQUEST_ID=offered)["X-Request-ID"] != offered
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/health/live/", HTTP_X_REQUEST_ID=offered)["X-Request-ID"] == offered
    for insane in ("short", "with space in it", "a\nb" * 10, "x" * 65, "mail@example.org12"):
        answered = client.get("/health/live/", HTTP_X_REQUEST_ID=insane)["X-Request-ID"]
        assert answered != insane and HEX32.fullmatch(answered), insane


def test_the_request_id_is_in_every_line_of_the_request(client, world, log_file):
    client.force_login(world["basic"])
    response = client.get("/no/such/page/")  # django.request logs "Not Found"
    request_id = response["X-Request-ID"]
    lines = [line for line in log_file.lines() if line["logger"] == "django.request"]
    assert lines and all(line["request_id"] == request_id for line in lines), lines
    assert set(lines[0]) == {"time", "level", "logger", "request_id", "message"}


def test_plain_lines_carry_the_request_id_too(tmp_path, client):
    path = tmp_path / "plain.log"
    logging.config.dictConfig(logging_config(log_format="plain", filename=str(path)))
    try:
        response = client.get("/no/such/page/")
    finally:
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)
    text = path.read_text()
    assert f"WARNING django.request [{response['X-Request-ID']}] Not Found: /no/such/page/" in text


# The worker commits and reopens connections as in production (tests/notifications).
@pytest.mark.django_db(transaction=True)
def test_the_request_id_goes_with_the_tasks_into_the_workers_lines(
    client, world, make_request, log_file, smtp_sink
):
    info_request = make_request(State.DRAFT)
    client.force_login(world["handler"])
    response = client.post(reverse("exchange:send", args=[info_request.pk]))
    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    queued = DBTaskResult.objects.filter(status="READY")
    assert queued.exists()
    assert {task.args_kwargs.get("request_id") for task in queued} == {request_id}
    # A queued task still runs with its own arguments (the library reads args and kwargs).
    smtp_sink.stop()  # the mail server is down: the delivery logs its failure
    # As in production (verbosity 1), where db_worker logs each task's start and end.
    levels = {name: logging.getLogger(name).level for name in ("django.tasks", "django_tasks_db")}
    handlers = {signum: signal.getsignal(signum) for signum in _WORKER_SIGNALS}
    try:
        call_command("worker", batch=True, interval=0, verbosity=1, sweeper=False)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        for signum, handler in handlers.items():  # db_worker installs its own
            signal.signal(signum, handler)
    assert OutboxMessage.objects.filter(attempts=1).exists()
    worker_lines = [line for line in log_file.lines() if line["request_id"] == request_id]
    loggers = {line["logger"] for line in worker_lines}
    assert {"django.tasks", "openimi.notifications.tasks"} <= loggers, worker_lines
    started = [line for line in worker_lines if "state=RUNNING" in line["message"]]
    finished = [line for line in worker_lines if "state=SUCCESSFUL" in line["message"]]
    assert started and finished
    # Lines of the worker outside the task carry no request's id.
    assert any(line["request_id"] == "-" for line in log_file.lines())


def test_a_task_queued_outside_a_request_carries_no_id(world, make_request):
    make_request(State.AWAITING_ACCEPTANCE)
    assert all("request_id" not in task.args_kwargs for task in DBTaskResult.objects.all())
    with bound("job-0123456789"):
        make_request(State.AWAITING_ACCEPTANCE)
    assert DBTaskResult.objects.filter(args_kwargs__request_id="job-0123456789").exists()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '"GET /requests/?q=Jansen&email=j%40x.nl HTTP/1.1" 200 512',
            '"GET /requests/?[query removed] HTTP/1.1" 200 512',
        ),
        (
            "Not Found: https://imi.example/a/b?next=/c?d=e",
            "Not Found: https://imi.example/a/b?[query removed]",
        ),
        ("sent to griet@zwartewaal.example", "sent to [e-mail removed]"),
        ("Authorization: Bearer oimi_abc-DEF_123", "Authorization: [token removed]"),
        ("token oimi_Zx81_aa in a sentence", "token [token removed] in a sentence"),
        (
            "DETAIL:  Key (email)=(griet@x.example) already exists.",
            "DETAIL:  Key (email)=([value removed]) already exists.",
        ),
        (
            "DETAIL:  Key (provider_name, city)=(Jansen (B.V.), Oss) already exists.",
            "DETAIL:  Key (provider_name, city)=([value removed]) already exists.",
        ),
        ("login password=hunter2 code1=abc", "login password=[removed] code1=[removed]"),
        ("Is it ready? Yes.", "Is it ready? Yes."),
        ("Outbox message 12: attempt 1 failed", "Outbox message 12: attempt 1 failed"),
    ],
)
def test_redact(line, expected):
    assert redact(line) == expected


def test_tracebacks_are_redacted_and_sql_is_never_logged(log_file):
    logger = logging.getLogger("openimi.test")
    try:
        raise ValueError("no user griet@zwartewaal.example")
    except ValueError:
        logger.exception("failed for /x/?name=Jansen")
    logging.getLogger("django.db.backends").debug(
        "(0.001) SELECT 1 WHERE name = %s; args=('Jansen',)"
    )
    logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
    try:
        logging.getLogger("django.db.backends").debug("SELECT 'Jansen'")
    finally:
        logging.getLogger("django.db.backends").setLevel(logging.WARNING)
    # The development server's access line (Django gives it a handler of its own by default).
    logging.getLogger("django.server").info(
        '"%s" %s %s', "GET /requests/?q=Jansen&email=griet@zwartewaal.example HTTP/1.1", 200, 9
    )
    text = log_file.text()
    server = [line["message"] for line in log_file.lines() if line["logger"] == "django.server"]
    assert server == ['"GET /requests/?[query removed] HTTP/1.1" 200 9']  # once, redacted
    assert "griet@" not in text and "Jansen" not in text
    assert "[e-mail removed]" in text and "ValueError" in text
