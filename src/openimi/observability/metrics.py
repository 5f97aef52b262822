"""Prometheus metrics: the HTTP requests (counted by ``MetricsMiddleware``) and the domain's
own figures (computed from the database at scrape time by ``DomainCollector``).

Several gunicorn workers each count their own requests. With ``PROMETHEUS_MULTIPROC_DIR`` set
(before the process starts: prometheus-client reads it at import) every process writes its
counters to files there and a scrape, whichever worker answers it, adds them all up
(prometheus-client's multiprocess mode; ``observability/gunicorn.py`` empties the directory
at start and tells it of workers that exit). Without it each process answers for itself,
which is right for ``make run`` (one process). The domain figures come from the database, so
every process gives the same answer.

The metrics live in a registry of our own: prometheus-client's default one adds the Python
version and the process's details, which the endpoint need not tell.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator

from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from openimi.observability import selectors

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "openimi_http_requests",
    "HTTP requests answered, by route name (never the path), method and status.",
    ["view", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "openimi_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
QUERIES = Histogram(
    "openimi_http_request_queries",
    "Database queries made while answering an HTTP request, by route name.",
    ["view"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200),
    registry=REGISTRY,
)


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


class DomainCollector(Collector):
    """The outbox, overdue requests, the retention job, logins and background tasks."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        outbox = selectors.outbox_figures(now=now)
        messages = GaugeMetricFamily(
            "openimi_outbox_messages", "E-mails not sent (yet), by status.", labels=["status"]
        )
        messages.add_metric(["pending"], outbox.pending)
        messages.add_metric(["held"], outbox.held)
        messages.add_metric(["failed"], outbox.failed)
        yield messages
        yield GaugeMetricFamily(
            "openimi_outbox_oldest_due_age_seconds",
            "How long the oldest e-mail due has waited to be sent (0: none waits).",
            value=outbox.oldest_due_age.total_seconds() if outbox.oldest_due_age else 0,
        )
        yield GaugeMetricFamily(
            "openimi_requests_overdue",
            "Information requests past their acceptance or reply deadline.",
            value=selectors.overdue_request_count(today=timezone.localdate(now)),
        )
        last = selectors.retention_last_success()
        yield GaugeMetricFamily(
            "openimi_retention_seconds_since_success",
            "Seconds since the retention job last ended without an error (+Inf: none known).",
            value=(now - last).total_seconds() if last else math.inf,
        )
        logins = selectors.login_figures(now=now)
        attempts = GaugeMetricFamily(
            "openimi_logins_last_hour", "Logins in the last hour, by outcome.", labels=["outcome"]
        )
        attempts.add_metric(["succeeded"], logins.succeeded)
        attempts.add_metric(["failed"], logins.failed)
        yield attempts
        yield GaugeMetricFamily(
            "openimi_lockouts_last_hour",
            "Accounts locked after failed logins in the last hour.",
            value=logins.locked,
        )
        tasks = selectors.task_figures(now=now)
        states = GaugeMetricFamily(
            "openimi_tasks",
            "Background tasks: due and waiting, running, failed in the last hour.",
            labels=["state"],
        )
        states.add_metric(["queued"], tasks.queued)
        states.add_metric(["running"], tasks.running)
        states.add_metric(["failed_last_hour"], tasks.failed_last_hour)
        yield states


def render() -> bytes:
    """The text exposition of every metric: the requests (of every process in multiprocess
    mode) and the domain figures."""
    if multiprocess():
        requests = CollectorRegistry()
        MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    domain = CollectorRegistry(auto_describe=False)
    domain.register(DomainCollector())
    return generate_latest(requests) + generate_latest(domain)
