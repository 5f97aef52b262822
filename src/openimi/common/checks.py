"""System checks for assumptions that settings alone could break."""

from django.conf import settings
from django.core.checks import Error, register

from openimi.common import content_cache, shared_cache

_REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


@register("security")
def rate_limits_are_shared(app_configs, **kwargs):
    """Rate-limit counters kept in one process's memory give every process its own budget
    (docs/security.md, "Rate limits shared by every process")."""
    if settings.RATE_LIMIT_STORE.endswith(".RedisStore"):
        backend = settings.CACHES.get(settings.RATE_LIMIT_CACHE, {}).get("BACKEND", "")
        if backend != _REDIS_BACKEND:
            return [
                Error(
                    f"RATE_LIMIT_STORE counts in Redis, but the cache "
                    f"{settings.RATE_LIMIT_CACHE!r} is no Redis cache.",
                    hint="Set REDIS_URL, or leave RATE_LIMIT_STORE at its default.",
                    id="openimi.common.E001",
                )
            ]
        return []
    if not settings.RATE_LIMIT_STORE.endswith(".CacheStore"):
        return []
    if not shared_cache.is_shared(settings.RATE_LIMIT_CACHE):
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


@register("security")
def shared_content_cache_is_encrypted(app_configs, **kwargs):
    """A content cache that other processes share (Redis) holds pages with personal data:
    only encrypted, so never without a key (docs/architecture.md, "The content cache")."""
    if not shared_cache.is_shared(content_cache.CACHE_ALIAS):
        return []
    if getattr(settings, "CACHE_ENCRYPTION_KEYS", None):
        return []
    return [
        Error(
            "The content cache is shared by several processes (REDIS_URL), but "
            "CACHE_ENCRYPTION_KEYS is empty: its pages, which show personal data, cannot "
            "be encrypted.",
            hint="Set CACHE_ENCRYPTION_KEYS=id:base64key (make a key with: openssl rand "
            "-base64 32), or unset REDIS_URL.",
            id="openimi.common.E002",
        )
    ]
