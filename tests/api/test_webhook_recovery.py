"""Webhook deliveries survive a dead worker and stop at the attempt limit; a delivery
connects to exactly the address it checked (no DNS rebinding).

The name service is the one part faked here (``socket.getaddrinfo`` for the test's own
names); the connections, the receiver, the database and the worker are real. For the
rebinding case the network is narrowed to loopback: a connection to any other address is
refused before it leaves the machine, so the test never reaches the internet.
"""

import socket

import pytest
from django_tasks_db.models import DBTaskResult

from openimi.api import webhooks
from openimi.api.models import WebhookDelivery
from tests.api.test_webhooks import Receiver
from tests.notifications.conftest import clock, run_worker  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)

Status = WebhookDelivery.Status


def subscribe_and_publish(world, make_request, url: str) -> WebhookDelivery:
    webhooks.subscription_create(actor=world["resp_lda"], url=url, event_types=["request.sent"])
    make_request("awaiting_acceptance")
    return WebhookDelivery.objects.get()


def test_a_delivery_whose_worker_was_killed_is_sent_again(
    world,
    make_request,
    settings,
    clock,  # noqa: F811
    run_worker,  # noqa: F811
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with Receiver([]) as receiver:
        delivery = subscribe_and_publish(world, make_request, receiver.url)
        # What a worker killed while sending leaves: its task RUNNING, the delivery claimed.
        task = DBTaskResult.objects.get(args_kwargs__args=[delivery.pk], status="READY")
        task.claim("killed-worker")
        assert webhooks._claim(delivery.pk) is not None

        run_worker(sweeper=True)  # within the lease: nothing is sent
        assert receiver.received == []

        clock.advance(
            seconds=settings.WEBHOOK_SEND_LEASE_SECONDS + settings.OUTBOX_SWEEP_GRACE_SECONDS + 1
        )
        run_worker(sweeper=True)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.DELIVERED, 2)
    assert len(receiver.received) == 1


def test_the_sweeper_is_scheduled_by_the_worker(run_worker):  # noqa: F811
    sweeps = DBTaskResult.objects.filter(task_path=webhooks.webhook_sweep_task.module_path)
    assert not sweeps.exists()
    run_worker(sweeper=True)
    # It ran, and queued its next run.
    assert sweeps.filter(status="SUCCESSFUL").count() == 1
    assert sweeps.filter(status="READY").count() == 1
    assert webhooks.ensure_webhook_sweeper_scheduled() is False  # one is queued already


def test_the_claim_gives_up_at_the_attempt_limit(world, make_request, settings, run_worker):  # noqa: F811
    """The last attempt never finished (its worker died while sending): the limit holds
    for those too, or a delivery that kills workers would loop for ever."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with Receiver([]) as receiver:
        delivery = subscribe_and_publish(world, make_request, receiver.url)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=settings.WEBHOOK_MAX_ATTEMPTS
        )
        run_worker()
    assert receiver.received == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, settings.WEBHOOK_MAX_ATTEMPTS)
    assert "never finished" in delivery.last_error


@pytest.fixture
def name_service(monkeypatch):
    """``answers[name]``: the addresses the name resolves to, one list per lookup in turn;
    every lookup is counted in ``lookups``. Other names resolve as usual."""
    real = socket.getaddrinfo
    answers: dict[str, list[str]] = {}
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, lookups


def test_connects_to_the_address_it_checked(
    world, make_request, settings, name_service, monkeypatch
):
    """DNS rebinding: the name answers a public address to the check, then a loopback one.
    The delivery must go to the public one (refused here) and never to loopback."""
    answers, lookups = name_service
    real_connect = socket.create_connection
    connected_to = []

    def loopback_only_network(address, *args, **kwargs):
        connected_to.append(address[0])
        if address[0] not in ("127.0.0.1", "rebind.example"):
            raise ConnectionRefusedError(f"no route to {address[0]} in this test")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", loopback_only_network)
    with Receiver([]) as receiver:
        port = receiver.server.server_port
        answers["rebind.example"] = ["203.0.113.80", "127.0.0.1"]
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # to subscribe without a lookup
        delivery = subscribe_and_publish(world, make_request, f"http://rebind.example:{port}/")
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
        answers["rebind.example"] = ["1.1.1.1", "127.0.0.1"]
        webhooks.webhook_deliver_task.call(delivery.pk)

    assert receiver.received == []
    assert lookups == ["rebind.example"]  # resolved once
    assert connected_to == ["1.1.1.1"]
    delivery.refresh_from_db()
    assert delivery.status == Status.PENDING and "ConnectionRefusedError" in delivery.last_error


def test_a_name_is_sent_as_host_to_the_address_it_resolved_to(
    world, make_request, settings, name_service
):
    answers, lookups = name_service
    answers["webhooks.example"] = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with Receiver([]) as receiver:
        port = receiver.server.server_port
        delivery = subscribe_and_publish(
            world, make_request, f"http://webhooks.example:{port}/hook?source=openimi"
        )
        webhooks.webhook_deliver_task.call(delivery.pk)
    [(headers, _body)] = receiver.received
    assert headers["host"] == f"webhooks.example:{port}"
    assert receiver.paths == ["/hook?source=openimi"]
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "::1", "fd00::5", "169.254.169.254"])
def test_an_internal_answer_is_refused_at_delivery(
    world, make_request, settings, name_service, address
):
    answers, _lookups = name_service
    answers["inside.example"] = ["1.1.1.1"]
    delivery = subscribe_and_publish(world, make_request, "http://inside.example/")
    answers["inside.example"] = [address]
    webhooks.webhook_deliver_task.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Status.PENDING
    assert "not on the public internet" in delivery.last_error


def test_an_international_name_is_sent_in_its_ascii_form(
    world, make_request, settings, name_service
):
    """A name in another script is looked up and sent as Host in IDNA (punycode); it used to
    end the task with a UnicodeEncodeError and no outcome."""
    answers, lookups = name_service
    answers["xn--bcher-kva.example"] = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with Receiver([]) as receiver:
        port = receiver.server.server_port
        delivery = subscribe_and_publish(world, make_request, f"http://bücher.example:{port}/")
        webhooks.webhook_deliver_task.call(delivery.pk)
    [(headers, _body)] = receiver.received
    assert headers["host"] == f"xn--bcher-kva.example:{port}"
    assert lookups == ["xn--bcher-kva.example"]
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED
