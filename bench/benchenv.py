"""The environment both bench scripts give openimi: production settings, a fixed bench key.

The security-code key is fixed (derived from a constant) so that codes written by
``generate.py`` decrypt in the server ``run.py`` starts. Never use these values elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
SECURITY_CODE_KEYS = (
    "bench:" + base64.b64encode(hashlib.sha256(b"openimi-bench-key").digest()).decode()
)


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """Production-like settings over plain HTTP on 127.0.0.1 (no TLS in the benchmark).

    Not ``OPENIMI_ENV=production`` itself, which also insists on HTTPS. What production
    changes besides is set here by hand: DEBUG off, explicit secrets, no file-based mail.
    HTTPS-only cookies, redirects and HSTS are off, since wrk speaks plain HTTP.
    """
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "OPENIMI_ENV": "benchmark",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + hashlib.sha256(b"openimi-bench-secret").hexdigest(),
        "SECURITY_CODE_KEYS": SECURITY_CODE_KEYS,
        "SECURITY_CODE_CURRENT_KEY_ID": "bench",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(BENCH_DIR / ".static"),
        "OPENIMI_VAR_DIR": str(BENCH_DIR / ".var"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        # The API's per-user throttle would cap a load test at 20 requests per second.
        "API_THROTTLE_USER": "100000000/minute",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
