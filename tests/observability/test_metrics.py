"""``/metrics/``: off without METRICS_TOKEN, 401 without the right bearer token (whoever is
logged in), and the request and domain figures in Prometheus' text format."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from openimi.accounts.models import SecurityEvent
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue
from openimi.retention.tasks import retention_daily_task

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict[str, dict[tuple, float]]:
    """{sample name: {labels as sorted tuple: value}}."""
    response = client.get("/metrics/", **AUTH)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples[name].get(tuple(sorted(labels.items())), 0.0)


def test_without_a_configured_token_the_endpoint_is_off(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics/").status_code == 404
    assert client.get("/metrics/", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_anonymous_and_wrong_tokens_are_refused(client, token):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": TOKEN}):
        response = client.get("/metrics/", **headers)
        assert response.status_code == 401, headers
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"openimi_" not in response.content


@pytest.mark.parametrize("name", ["lda", "coord_lda", "resp_lda", "handler"])
def test_no_role_of_any_authority_opens_the_metrics_without_the_token(client, world, token, name):
    client.force_login(world[name])
    assert client.get("/metrics/").status_code == 401
    assert client.get("/metrics/", **AUTH).status_code == 200  # the token, not the session


def test_requests_are_counted_by_route_name_never_by_path(client, world, make_request, token):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["handler"])
    before = scrape(client)
    detail = reverse("exchange:detail", args=[info_request.pk])
    assert client.get(detail).status_code == 200
    assert client.get(detail).status_code == 200
    assert client.get("/no/such/page/?email=x@example.org").status_code == 404
    after = scrape(client)
    counted = "openimi_http_requests_total"
    key = {"view": "exchange:detail", "method": "GET", "status": "200"}
    assert value(after, counted, **key) - value(before, counted, **key) == 2
    unresolved = {"view": "unresolved", "method": "GET", "status": "404"}
    assert value(after, counted, **unresolved) - value(before, counted, **unresolved) == 1
    views = {dict(labels)["view"] for labels in after[counted]}
    assert not any("/" in view or str(info_request.pk) in view for view in views), views
    # Latency and queries per request, by the same name.
    assert value(after, "openimi_http_request_duration_seconds_count", view="exchange:detail") >= 2
    queries = value(after, "openimi_http_request_queries_sum", view="exchange:detail")
    assert queries - value(before, "openimi_http_request_queries_sum", view="exchange:detail") > 0


def test_every_domain_metric_is_there(client, token):
    samples = scrape(client)
    for name in (
        "openimi_outbox_messages",
        "openimi_outbox_oldest_due_age_seconds",
        "openimi_requests_overdue",
        "openimi_retention_seconds_since_success",
        "openimi_logins_last_hour",
        "openimi_lockouts_last_hour",
        "openimi_tasks",
    ):
        assert name in samples, name
    assert math.isinf(value(samples, "openimi_retention_seconds_since_success"))
    # Nothing about the software or the machine (prometheus-client's default collectors).
    assert not any(name.startswith(("python_", "process_")) for name in samples)


def test_domain_values_follow_the_database(client, world, token, clock):
    before = scrape(client)
    message = outbox_enqueue(
        key="metrics:test",
        recipient_email="someone@example.org",
        subject="Subject",
        body_text="Text",
    )
    after = scrape(client)
    pending = ("openimi_outbox_messages", {"status": "pending"})
    assert value(after, pending[0], **pending[1]) == value(before, pending[0], **pending[1]) + 1
    assert value(after, "openimi_tasks", state="queued") >= 1
    clock.advance(minutes=20)
    aged = scrape(client)
    assert value(aged, "openimi_outbox_oldest_due_age_seconds") >= 20 * 60
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED)
    failed = scrape(client)
    assert value(failed, "openimi_outbox_messages", status="failed") == 1
    assert value(failed, "openimi_outbox_oldest_due_age_seconds") == 0


def test_overdue_requests_logins_and_retention(client, world, make_request, token, clock):
    make_request(State.ACCEPTED)
    assert value(scrape(client), "openimi_requests_overdue") == 0
    clock.advance(days=30)  # past the reply date
    assert value(scrape(client), "openimi_requests_overdue") == 1
    for code in (SecurityEvent.Code.LOGIN_FAILED,) * 3 + (SecurityEvent.Code.ACCOUNT_LOCKED,):
        SecurityEvent.objects.create(username_attempted="x", event=code)
    samples = scrape(client)
    assert value(samples, "openimi_logins_last_hour", outcome="failed") == 3
    assert value(samples, "openimi_lockouts_last_hour") == 1
    result = retention_daily_task.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(hours=2)
    )
    since = value(scrape(client), "openimi_retention_seconds_since_success")
    assert 2 * 3600 <= since < 2 * 3600 + 60
