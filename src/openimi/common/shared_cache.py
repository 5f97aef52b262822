"""Entries that leave the process: sealed with AES-256-GCM before a shared cache holds them.

A page in the content cache may show personal data (a provider's name on a request page).
In each process's own memory (LocMem, the default) it never leaves the process. In a cache
every process shares (Redis, ``REDIS_URL``) it would sit in another program's memory, so
every entry is encrypted first and only the process that reads it back decrypts it:

- AES-256-GCM with a key from ``settings.CACHE_ENCRYPTION_KEYS`` (``id:base64`` list, parsed
  like the security-code keys); the **first** key encrypts, every key decrypts, so a key is
  rotated by putting a new one first and dropping the old one after ``CONTENT_CACHE_SECONDS``.
- A random 96-bit nonce per entry; the entry's full cache key (prefix and version included)
  is the associated data, so an entry copied under another key does not decrypt.
- An entry that does not decrypt (altered, moved, written with a key no longer configured)
  is a **miss**: the page is rendered again. It is logged without its key or content.

Nothing is ever written in plaintext: ``seal`` without a key raises (and the system check
``openimi.common.E002`` refuses to start a shared content cache without one).

Layout of a sealed entry: ``b"oc1"``, one byte with the key id's length, the key id, the
nonce (12 bytes), the ciphertext with its 16-byte tag. The plaintext is the pickled value.
"""

from __future__ import annotations

import logging
import os
import pickle
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# Cache backends whose entries no other process sees.
PER_PROCESS_BACKENDS = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)
_MAGIC = b"oc1"
_NONCE_BYTES = 12


def is_shared(alias: str) -> bool:
    """Whether another process may read what the cache ``alias`` holds."""
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    return bool(backend) and backend not in PER_PROCESS_BACKENDS


def _keys() -> dict[str, bytes]:
    return getattr(settings, "CACHE_ENCRYPTION_KEYS", None) or {}


def _associated_data(alias: str, key: str) -> bytes:
    return f"openimi:shared-cache:v1:{caches[alias].make_key(key)}".encode()


def seal(alias: str, key: str, value: Any) -> bytes:
    """``value`` encrypted for the entry ``key`` of the cache ``alias``."""
    keys = _keys()
    if not keys:
        raise ImproperlyConfigured(
            "CACHE_ENCRYPTION_KEYS must be set for a cache that other processes share."
        )
    key_id, secret = next(iter(keys.items()))
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    ciphertext = AESGCM(secret).encrypt(nonce, plaintext, _associated_data(alias, key))
    label = key_id.encode()
    return b"".join((_MAGIC, bytes([len(label)]), label, nonce, ciphertext))


def unseal(alias: str, key: str, sealed: Any) -> Any | None:
    """The value sealed for ``key``, or ``None`` (a miss) when it does not decrypt."""
    try:
        if not isinstance(sealed, bytes) or not sealed.startswith(_MAGIC):
            raise ValueError("not a sealed entry")
        length = sealed[len(_MAGIC)]
        start = len(_MAGIC) + 1
        key_id = sealed[start : start + length].decode()
        nonce = sealed[start + length : start + length + _NONCE_BYTES]
        ciphertext = sealed[start + length + _NONCE_BYTES :]
        secret = _keys()[key_id]
        plaintext = AESGCM(secret).decrypt(nonce, ciphertext, _associated_data(alias, key))
    except (InvalidTag, KeyError, IndexError, ValueError, UnicodeDecodeError) as error:
        # Altered, moved to another key, or sealed with a key no longer configured.
        logger.warning(
            "A %s cache entry did not decrypt (%s): treated as a miss.",
            alias,
            type(error).__name__,
        )
        return None
    # Authenticated above: only this deployment's processes wrote it.
    return pickle.loads(plaintext)  # noqa: S301
