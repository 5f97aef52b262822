"""``common.net.client_address``: the one answer to "who is calling" (login limits, API rate
limits, security log). Behind N trusted proxies the N-th X-Forwarded-For entry from the right;
what the caller wrote further left is never believed."""

import pytest
from django.test import RequestFactory

from openimi.common.net import client_address

CASES = [
    # proxies, REMOTE_ADDR, X-Forwarded-For, expected
    (0, "10.0.0.5", "203.0.113.9", "10.0.0.5"),  # no proxy: the header is the caller's own
    (1, "10.0.0.5", None, "10.0.0.5"),  # no header: the connection
    (1, "10.0.0.5", "203.0.113.9", "203.0.113.9"),
    (1, "10.0.0.5", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # a forged entry in front
    (1, "10.0.0.5", "1.2.3.4,203.0.113.9", "203.0.113.9"),
    (2, "10.0.0.5", "1.2.3.4, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
    (2, "10.0.0.5", "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies
    (1, "10.0.0.5", "2001:DB8:0:0::1", "2001:db8::1"),  # canonical form
    (1, "10.0.0.5", "not-an-address", "10.0.0.5"),
    (1, "10.0.0.5", "1.2.3.4, 203.0.113.9\x00", "10.0.0.5"),
    (1, "10.0.0.5", "x" * 10_000, "10.0.0.5"),
    (1, "10.0.0.5", "١٢٣.٤.٥.٦", "10.0.0.5"),  # other scripts' digits are no address
    (0, "", None, ""),
]


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), CASES)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **meta)) == expected
