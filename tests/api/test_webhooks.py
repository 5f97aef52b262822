"""Webhooks: signed deliveries reach a local HTTP receiver; a 500 is retried with backoff."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

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
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
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
    """What a receiver does: recompute the HMAC over "<t>.<body>" and compare."""
    parts = dict(item.split("=", 1) for item in headers["X-Openimi-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


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
    for headers, body in receiver.received:
        assert verify(subscription.secret, headers, body)
        assert not verify("another secret", headers, body)
        payload = json.loads(body)
        assert payload["type"] == "request.sent" and payload["request"] == info_request.pk
        assert "Jansen" not in body.decode()  # no personal data


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
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/", "http://127.0.0.1/", "http://10.1.2.3/"]
)
def test_refuses_other_schemes_and_internal_addresses(world, url):
    with pytest.raises(ApplicationError) as error:
        webhooks.subscription_create(actor=world["lda"], url=url, event_types=["request.sent"])
    assert error.value.field == "url"
