"""Start the real OpenID Connect provider of the tests (tests/oidc_provider: panva's
oidc-provider on Node.js, installed by ``make test`` with ``npm ci``) as its own process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
CALLBACK = "/accounts/login/sso/{id}/callback/"


def client(base_url: str, provider_id: str, client_id: str, secret: str) -> dict:
    """A client registration for openimi at ``base_url`` (its provider entry ``provider_id``)."""
    return {
        "client_id": client_id,
        "client_secret": secret,
        "redirect_uris": [base_url + CALLBACK.format(id=provider_id)],
        "post_logout_redirect_uris": [base_url + "/accounts/login/"],
    }


@contextmanager
def oidc_provider(*, clients: list[dict], id_token_ttl: int = 3600, clock_offset: int = 0):
    """Yield the issuer URL of a freshly started provider; stop it afterwards."""
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        raise RuntimeError(
            "The OIDC tests need Node.js and tests/oidc_provider/node_modules: run `make test` "
            "(it runs `npm ci` there) or `cd tests/oidc_provider && npm ci`."
        )
    config = {"clients": clients, "idTokenTtl": id_token_ttl, "clockOffsetSeconds": clock_offset}
    process = subprocess.Popen(  # noqa: S603 - our own script
        [node, "provider.mjs"],
        cwd=PROVIDER_DIR,
        env={**os.environ, "OP_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("listening "):
            raise RuntimeError(f"the test OIDC provider did not start: {line!r}")
        yield line.removeprefix("listening ")
    finally:
        process.terminate()
        process.wait(timeout=10)


def provider_setting(provider_id: str, issuer: str, client_id: str, secret: str, **extra) -> dict:
    return {
        "id": provider_id,
        "name": {"en": "Test ID", "nl": "Test-ID"},
        "issuer": issuer,
        "client_id": client_id,
        "client_secret": secret,
        **extra,
    }
