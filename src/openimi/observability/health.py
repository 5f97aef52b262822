"""Readiness: a list of named checks, each answering "can this process do its work?".

``register_check(name, fn)`` adds one (the worker heartbeats are registered by the workers'
own app); ``fn()`` returns True when healthy, and False or an exception means failing. The
built-in ones: the database answers, every cache answers, no migration is left unapplied, and
the oldest e-mail due in the outbox has waited less than ``HEALTH_OUTBOX_MAX_AGE_SECONDS``.

A failure is logged (class of the error, redacted text) for the operator; the endpoint itself
says only which check failed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from openimi.observability import selectors

logger = logging.getLogger(__name__)

Check = Callable[[], bool]
_checks: dict[str, Check] = {}


def register_check(name: str, fn: Check) -> None:
    """Add (or replace) the readiness check ``name``; checks run in the order registered."""
    _checks[name] = fn


def registered_checks() -> dict[str, Check]:
    return dict(_checks)


def run_checks() -> dict[str, bool]:
    """Every check by name: True if healthy."""
    results = {}
    for name, fn in _checks.items():
        try:
            results[name] = bool(fn())
        except Exception as error:  # any failure of a check means "not ready"
            logger.warning("Readiness check %s failed: %s: %s", name, type(error).__name__, error)
            results[name] = False
        else:
            if not results[name]:
                logger.warning("Readiness check %s failed", name)
    return results


def database_check() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_check() -> bool:
    """Every configured cache stores and returns a value."""
    for alias in settings.CACHES:
        cache = caches[alias]
        key, value = f"openimi:health:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, timeout=10)
        found = cache.get(key)
        cache.delete(key)
        if found != value:
            return False
    return True


_migrations_applied = False


def migrations_check() -> bool:
    """No migration of the installed code is unapplied. Once all are, a process's code does
    not change, so the answer is kept for the life of the process."""
    global _migrations_applied
    if _migrations_applied:
        return True
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrations_applied = not plan
    return _migrations_applied


def forget_migrations() -> None:
    """Tests: ask the database again."""
    global _migrations_applied
    _migrations_applied = False


def outbox_check() -> bool:
    age = selectors.outbox_oldest_due_age(now=timezone.now())
    return age is None or age.total_seconds() <= settings.HEALTH_OUTBOX_MAX_AGE_SECONDS


register_check("database", database_check)
register_check("cache", cache_check)
register_check("migrations", migrations_check)
register_check("outbox", outbox_check)
