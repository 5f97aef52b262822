"""Webhooks: signed deliveries reach a local HTTP receiver; a 500 is retried with backoff.

The signatures follow Standard Webhooks (https://www.standardwebhooks.com/); the test checks
them with that project's own Python library, as a receiver would.
"""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from openimi.api import webhooks
from openimi.api.models import WebhookDelivery
from openimi.common.errors import ApplicationError
from tests.notifications.conftest import clock, run_worker  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """An HTTP server on 127.0.0.1 that answers the statuses it is given, in turn, and
    keeps what it received."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received = []
        self.paths = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.paths.append(self.path)
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/openimi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """What a receiver does: check the Standard Webhooks signature with the stock library."""
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return False
    return True


def test_signed_delivery_retried_after_a_500(world, make_request, settings, clock, run_worker):  # noqa: F811
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.OUTBOX_BACKOFF_SECONDS = 30
    with Receiver([500, 200]) as receiver:
        subscription = webhooks.subscription_create(
            actor=world["resp_lda"], url=receiver.url, event_types=["request.sent"]
        )
        info_request = make_request("awaiting_acceptance")
        delivery = WebhookDelivery.objects.get()
        assert (delivery.subscription, delivery.event_type) == (subscription, "request.sent")

        run_worker()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
            "pending",
            1,
            500,
        )
        run_worker()  # not due yet: nothing happens
        assert len(receiver.received) == 1

        clock.advance(seconds=31)
        run_worker()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
            "delivered",
            2,
            200,
        )

    assert len(receiver.received) == 2
    assert subscription.secret.startswith("whsec_")
    other_secret = webhooks.new_secret()
    assert other_secret.startswith("whsec_") and other_secret != subscription.secret
    for headers, body in receiver.received:
        assert verify(subscription.secret, headers, body)
        assert not verify(other_secret, headers, body)
        assert not verify(subscription.secret, headers, body + b" ")  # the body is covered
        payload = json.loads(body)
        assert payload["type"] == "request.sent" and payload["request"] == info_request.pk
        assert "Jansen" not in body.decode()  # no personal data
    # The same message id on every attempt, so that receivers can drop duplicates.
    ids = {headers["webhook-id"] for headers, _ in receiver.received}
    assert ids == {f"msg_{delivery.pk}"}
    assert all("x-openimi-signature" not in headers for headers, _ in receiver.received)


def test_a_legacy_secret_signs_in_the_standard_format(world, make_request, settings, run_worker):  # noqa: F811
    """A subscription made before the Standard Webhooks format keeps its hex secret: its key
    is the secret's bytes, i.e. ``whsec_`` + base64 of the secret for a stock library."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with Receiver([200]) as receiver:
        subscription = webhooks.subscription_create(
            actor=world["resp_lda"], url=receiver.url, event_types=["request.sent"]
        )
        legacy = "ab" * 32
        type(subscription).objects.filter(pk=subscription.pk).update(secret=legacy)
        make_request("awaiting_acceptance")
        run_worker()
    [(headers, body)] = receiver.received
    assert verify("whsec_" + base64.b64encode(legacy.encode()).decode(), headers, body)
    assert not verify(webhooks.new_secret(), headers, body)
    # The former header still comes along for these, so that no receiver breaks on upgrade.
    timestamp = headers["webhook-timestamp"]
    expected = hmac.new(legacy.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["x-openimi-signature"] == f"t={timestamp},v1={expected.hexdigest()}"


def test_only_the_authorities_that_see_the_event_are_told(world, make_request, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    for lda in ("lda", "resp_lda"):
        webhooks.subscription_create(
            actor=world[lda], url="http://127.0.0.1:9/", event_types=["request.answer_saved"]
        )
    make_request("answered")
    # Saving an answer is the responding side's own business.
    authorities = set(WebhookDelivery.objects.values_list("subscription__authority", flat=True))
    assert authorities == {world.responding.pk}


def test_listed_with_their_outcome(api, world, make_request, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    subscription = webhooks.subscription_create(
        actor=world["resp_lda"], url="http://127.0.0.1:9/", event_types=["request.sent"]
    )
    make_request("awaiting_acceptance")
    rows = api(world["resp_lda"]).get(f"/api/v1/webhooks/{subscription.pk}/deliveries/")
    assert [row["status"] for row in rows.json()["results"]] == ["pending"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/",
        "http://127.0.0.1/",
        "http://10.1.2.3/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
        "http://[2002:7f00:1::1]/",  # 6to4 carrying 127.0.0.1
        "http://[2002:a00:1::1]/",  # 6to4 carrying 10.0.0.1
        "http://224.0.1.1/",  # multicast: is_global, never a web server
        "http://[ff0e::1]/",
        "http://example.org:99999/",  # no such port
    ],
)
def test_refuses_other_schemes_and_internal_addresses(world, url):
    with pytest.raises(ApplicationError) as error:
        webhooks.subscription_create(actor=world["lda"], url=url, event_types=["request.sent"])
    assert error.value.field == "url"
