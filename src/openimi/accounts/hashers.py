"""The password hasher: argon2id at the cost OWASP's Password Storage Cheat Sheet names.

Django's default (m=100 MiB, t=2, p=8) made one login cost about 0.9 s of both cores and
540 MiB under load (issue 16); OWASP's first configuration, m=19 MiB, t=2, p=1, resists
offline guessing as well per byte of memory and lets the login pages serve many people at
once. The algorithm name stays ``argon2``, so existing hashes verify and are rewritten with
these parameters at the next successful check (``must_update``). Measured in
``bench/login.py`` (figures in ``bench/RESULTS.md``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB: 19 MiB
    parallelism = 1
