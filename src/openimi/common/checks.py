"""System checks for assumptions that settings alone could break."""

from django.conf import settings
from django.core.checks import Error, register

# Cache backends whose entries no other process sees.
_PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register("security")
def rate_limits_are_shared(app_configs, **kwargs):
    """Rate-limit counters kept in one process's memory give every process its own budget
    (docs/security.md, "Rate limits shared by every process")."""
    if not settings.RATE_LIMIT_STORE.endswith(".CacheStore"):
        return []
    backend = settings.CACHES.get(settings.RATE_LIMIT_CACHE, {}).get("BACKEND", "")
    if backend in _PER_PROCESS_CACHES or not backend:
        return [
            Error(
                f"RATE_LIMIT_STORE counts in the cache {settings.RATE_LIMIT_CACHE!r}, which "
                "no other process sees: every process would have its own budget.",
                hint="Name a shared cache (Redis) in RATE_LIMIT_CACHE, or leave "
                "RATE_LIMIT_STORE at its default (the database).",
                id="openimi.common.E001",
            )
        ]
    return []
