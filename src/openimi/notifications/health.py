"""Whether the workers are alive, for the readiness check and the operator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from openimi.notifications.selectors import worker_list


def worker_health() -> tuple[bool, dict[str, Any]]:
    """``(ok, detail)``: ok while at least one worker is alive, or always when
    ``WORKER_REQUIRED`` is off. The detail counts the alive and the dead workers and gives the
    age in seconds of the newest heartbeat (``None`` without any); it names no host, so a
    public readiness answer tells an outsider nothing about the machines."""
    alive = worker_list(alive=True).count()
    dead = worker_list(alive=False).count()
    newest = worker_list().order_by("-last_seen").values_list("last_seen", flat=True).first()
    age = None if newest is None else round((timezone.now() - newest).total_seconds(), 1)
    detail: dict[str, Any] = {
        "alive": alive,
        "dead": dead,
        "newest_heartbeat_age_seconds": age,
        "required": settings.WORKER_REQUIRED,
    }
    return (alive > 0 or not settings.WORKER_REQUIRED), detail
