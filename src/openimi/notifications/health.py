"""Whether the workers are alive, for the readiness check and the operator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from openimi.notifications.selectors import worker_counts


def worker_health() -> tuple[bool, dict[str, Any]]:
    """``(ok, detail)``: ok while at least one worker is alive, or always when
    ``WORKER_REQUIRED`` is off. The detail counts the alive and the dead workers and gives the
    age in seconds of the newest heartbeat (``None`` without any); it names no host. One query.
    """
    counts = worker_counts()
    newest = counts["newest"]
    age = None if newest is None else round((timezone.now() - newest).total_seconds(), 1)
    detail: dict[str, Any] = {
        "alive": counts["alive"],
        "dead": counts["dead"],
        "newest_heartbeat_age_seconds": age,
        "required": settings.WORKER_REQUIRED,
    }
    return (counts["alive"] > 0 or not settings.WORKER_REQUIRED), detail


def workers_ready() -> bool:
    """The "workers" readiness check of ``/health/ready/``."""
    return worker_health()[0]


def register_readiness_check() -> None:
    """Add "workers" to the readiness checks (``NotificationsConfig.ready``)."""
    from openimi.observability.health import register_check

    register_check("workers", workers_ready)
