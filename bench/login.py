"""The cost of one login (issue 16): N full logins in process, per password hasher.

    .venv/bin/python bench/login.py [--logins 30] [--server postgres://root@127.0.0.1:5432]

Makes (or reuses) the database ``openimi_bench_login``, migrates it, and for each hasher runs a
child process that creates one user whose password was hashed with that hasher and logs in
``--logins`` times through the real pages (Django's test client: step 1, the challenge page,
step 2, logout). Each child prints the median and 95th percentile of a whole login in
milliseconds, the time of step 1 alone (where the password is hashed), the CPU time per login
(all threads: what a login costs the machine) and its peak resident memory before the first
hash and after the logins. The hashers:

- ``owasp``: ``openimi.accounts.hashers.OwaspArgon2PasswordHasher`` (m=19 MiB, t=2, p=1),
  the product's setting;
- ``django``: Django's own ``Argon2PasswordHasher`` (m=100 MiB, t=2, p=8), before issue 16.

Numbers depend on the machine and on what else runs on it; compare the two rows of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchenv import REPO, environment  # noqa: E402

DATABASE = "openimi_bench_login"
HASHERS = {
    "owasp": "openimi.accounts.hashers.OwaspArgon2PasswordHasher",
    "django": "django.contrib.auth.hashers.Argon2PasswordHasher",
}
PASSWORD = "bench-Login-Password-2026!"
CODE = "Bench#2026ab"
LABEL = re.compile(r"Character (\d+) of your security code")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def child(hasher: str, logins: int) -> dict:
    """In a fresh process: one user, ``logins`` full logins, the timings and the memory."""
    import django

    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimi.settings")
    django.setup()
    from django.conf import settings
    from django.test import override_settings

    # override_settings also empties Django's cache of the hashers.
    with override_settings(
        PASSWORD_HASHERS=[HASHERS[hasher]], ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS]
    ):
        return _logins(hasher, logins)


def _logins(hasher: str, logins: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from openimi.accounts.models import User
    from openimi.accounts.security_code import security_code_set

    rss_before = _peak_rss_mib()
    username = f"bench.login.{hasher}"
    User.objects.filter(username=username).delete()
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.org"
    )
    user.status = User.Status.ACTIVE
    user.must_change_password = False
    user.save(update_fields=["status", "must_change_password"])
    security_code_set(user=user, code=CODE)
    cpu_before = _cpu_seconds()

    whole, step1 = [], []
    for _ in range(logins):
        client = Client()
        started = time.perf_counter()
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": PASSWORD}
        )
        step1.append((time.perf_counter() - started) * 1000)
        page = client.get(response.url)
        positions = [int(p) for p in LABEL.findall(page.content.decode())]
        data = {f"character_{i}": CODE[p - 1] for i, p in enumerate(positions, start=1)}
        response = client.post(reverse("accounts:login_code"), data)
        whole.append((time.perf_counter() - started) * 1000)
        if response.status_code != 302 or response.url != reverse("home"):
            raise SystemExit(f"login failed: {response.status_code} {response.get('Location')}")
        client.post(reverse("accounts:logout"))
    cpu_ms = (_cpu_seconds() - cpu_before) * 1000 / logins
    User.objects.filter(username=username).delete()
    return {
        "hasher": hasher,
        "parameters": HASHERS[hasher],
        "logins": logins,
        "login_median_ms": round(statistics.median(whole), 1),
        "login_p95_ms": round(_percentile(whole, 0.95), 1),
        "step1_median_ms": round(statistics.median(step1), 1),
        "cpu_ms_per_login": round(cpu_ms, 1),
        "peak_rss_before_mib": round(rss_before, 1),
        "peak_rss_after_mib": round(_peak_rss_mib(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, default=30)
    parser.add_argument("--server", default="postgres://root@127.0.0.1:5432")
    parser.add_argument("--child", choices=sorted(HASHERS))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.logins)))
        return

    url = f"{args.server}/{DATABASE}"
    env = environment(url)
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "root", DATABASE], check=False, capture_output=True
    )
    openimi = str(Path(sys.executable).parent / "openimi")
    subprocess.run([openimi, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    rows = []
    for hasher in HASHERS:
        out = subprocess.run(
            [sys.executable, __file__, "--child", hasher, "--logins", str(args.logins)],
            env=env,
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        out = out.stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    print(
        "| hasher | logins | login median ms | login p95 ms | step 1 median ms "
        "| CPU ms per login | peak RSS MiB (before → after) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['hasher']} ({row['parameters'].rsplit('.', 1)[-1]}) | {row['logins']} "
            f"| {row['login_median_ms']} | {row['login_p95_ms']} | {row['step1_median_ms']} "
            f"| {row['cpu_ms_per_login']} "
            f"| {row['peak_rss_before_mib']} → {row['peak_rss_after_mib']} |"
        )


if __name__ == "__main__":
    main()
