"""openimi reads what Django keeps on a request through Django's public API: the CSP nonce
through the ``csp`` context processor, the messages through ``django.contrib.messages`` (with
``fail_silently``). A private attribute can change in any release without notice."""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

from openimi.common import content_cache

SRC = Path(__file__).resolve().parents[2] / "src" / "openimi"

# The private attributes Django's middleware and auth put on a request or response.
PRIVATE = re.compile(
    r"""["'.](_csp_nonce|_csp_config|_csp_ro_config|_cached_user|_messages|"""
    r"""_dont_enforce_csrf_checks)\b"""
)


def test_no_module_reads_djangos_private_request_attributes():
    found = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PRIVATE.search(line)
    ]
    assert found == []


@pytest.mark.parametrize("with_nonce", [True, False])
def test_fill_puts_the_responses_own_nonce_where_the_mark_is(with_nonce):
    request = RequestFactory().get("/")
    if with_nonce:  # what ContentSecurityPolicyMiddleware gives every request
        from django.middleware.csp import ContentSecurityPolicyMiddleware

        ContentSecurityPolicyMiddleware(lambda r: None).process_request(request)
    body = f'<script nonce="{content_cache.NONCE_MARK}"></script>'.encode()
    filled = content_cache.fill(body, request).decode()
    if with_nonce:
        nonce = re.search(r'nonce="([^"]+)"', filled).group(1)
        assert nonce != content_cache.NONCE_MARK
        assert len(nonce) >= 16
    else:  # no CSP middleware: the mark stays, the page renders nothing of ours
        assert content_cache.NONCE_MARK in filled
