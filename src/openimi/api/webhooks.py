"""Webhooks: an authority's back office is told of the request and alert events it may see.

A delivery row is written in the transaction of the event (``enqueue_for_event``, subscribed
to ``exchange.events.published``; ``enqueue_for_alert_event``, to ``alerts.events.published``),
so it exists if and only if the change does, like the e-mail outbox. ``webhook_deliver_task``
POSTs it signed in the Standard Webhooks format (https://www.standardwebhooks.com/), so that
receivers verify with a stock library:

    webhook-id: msg_<delivery id>            (the same on every attempt: drop duplicates)
    webhook-timestamp: <unix time>           (reject old ones: replay)
    webhook-signature: v1,<base64 HMAC-SHA256(key, f"{id}.{timestamp}.{body}")>

The key is the base64 after ``whsec_`` in the subscription's secret. A subscription made
before this format has a 64-character hex secret: its key is that text's bytes (a stock library
takes ``whsec_`` + base64 of it), and it also gets the former ``X-Openimi-Signature`` header.

Failures are retried with the outbox's backoff (``notifications.tasks.outbox_backoff``) up to
``WEBHOOK_MAX_ATTEMPTS``. As in the outbox, a delivery is claimed (attempt counted, leased for
``WEBHOOK_SEND_LEASE_SECONDS``), sent with no transaction open, then recorded; a delivery whose
worker was killed is queued again by ``webhook_sweep_task`` once its lease has run out, and the
claim gives up at the limit even when the last attempt never finished.

Only http(s) URLs are accepted, redirects are not followed, and addresses on loopback,
private, link-local or reserved networks are refused at subscription and again at delivery
(the name may resolve elsewhere by then) unless ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` (tests,
closed networks). A delivery resolves the name once, checks that address and connects to
exactly it (Host header and TLS certificate check for the name): a name that answers
differently to a second lookup (DNS rebinding) cannot lead the request inside.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access import requests as rules
from openimi.access.policy import Action
from openimi.alerts.models import AlertDistribution, AlertEvent
from openimi.api.models import WebhookDelivery, WebhookSubscription
from openimi.common.errors import ApplicationError
from openimi.notifications.tasks import outbox_backoff
from openimi.retention.periodic import ensure_scheduled, schedule_next

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.exchange.models import RequestEvent

logger = logging.getLogger(__name__)

LEGACY_SIGNATURE_HEADER = "X-Openimi-Signature"
SECRET_PREFIX = "whsec_"
# The most overdue deliveries one sweep re-queues; the next sweep takes the rest.
SWEEP_BATCH_SIZE = 500


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    return secret.encode()  # a secret made before the Standard Webhooks format


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value for ``body`` sent as ``message_id`` at
    ``timestamp`` (Standard Webhooks, version 1)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    mac = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def _legacy_sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class _Target(NamedTuple):
    """Where a URL's request goes: the name (Host header, TLS) and the one address used."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """On the public internet, including an IPv4 address carried inside an IPv6 one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None and not _is_public(embedded):
            return False
    return address.is_global and not address.is_multicast


def _parse(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApplicationError(_("Give an http or https address."), field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        # A name in another script is looked up, sent as Host and checked in TLS as punycode.
        host = parts.hostname
        if not host.isascii():
            host = host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise ApplicationError(_("Give an http or https address."), field="url") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port, path


def _resolve(url: str) -> _Target:
    """Resolve the URL's name once and check every address it gave; the first is used."""
    scheme, host, port, path = _parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise ApplicationError(_("This address cannot be found."), field="url") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise ApplicationError(_("This address cannot be found."), field="url")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and not all(map(_is_public, addresses)):
        raise ApplicationError(_("This address is not on the public internet."), field="url")
    return _Target(scheme, host, port, str(addresses[0]), path)


def check_url(url: str) -> None:
    """Refuse what must never be called: other schemes, and internal addresses."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        _parse(url)
        return
    _resolve(url)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``address``, whatever ``host`` (sent as Host) resolves to by now."""

    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to ``address``; TLS names ``host`` (SNI) and checks the certificate for it."""

    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to the checked address of ``url``; the response status (no redirects)."""
    target = _resolve(url)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def subscription_create(*, actor: User, url: str, event_types: list[str]) -> WebhookSubscription:
    """Subscribe ``url`` of the actor's authority to ``event_types``; the secret is on the
    returned row and shown once."""
    policy.require(actor, Action.WEBHOOK_MANAGE, actor.authority)
    check_url(url)
    with transaction.atomic():
        return WebhookSubscription.objects.create(
            authority_id=actor.authority_id,
            url=url,
            event_types=sorted(set(event_types)),
            secret=new_secret(),
            created_by=actor,
        )


def subscription_delete(*, actor: User, subscription: WebhookSubscription) -> None:
    """End a subscription: nothing more is delivered (pending deliveries fail); its
    deliveries stay listed."""
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        policy.require(actor, Action.WEBHOOK_MANAGE, subscription.authority)
        if subscription.is_active:
            subscription.is_active = False
            subscription.save(update_fields=["is_active"])
            subscription.deliveries.filter(status=WebhookDelivery.Status.PENDING).update(
                status=WebhookDelivery.Status.FAILED, last_error="The subscription was ended."
            )


def subscriptions_of(*, user: User):
    """The active subscriptions of the user's authority (for its local data administrators)."""
    policy.require(user, Action.WEBHOOK_MANAGE, user.authority)
    return WebhookSubscription.objects.filter(authority_id=user.authority_id, is_active=True)


def deliveries_of(*, user: User, subscription_id: int):
    """The deliveries of one subscription of the user's authority, newest first."""
    subscription = WebhookSubscription.objects.get(
        pk=subscription_id, authority_id=user.authority_id
    )
    policy.require(user, Action.WEBHOOK_MANAGE, subscription.authority)
    return subscription.deliveries.all()


def _authorities_seeing(event: RequestEvent) -> set[int]:
    info_request = event.info_request
    requesting = {info_request.requesting_authority_id}
    responding = (
        {info_request.responding_authority_id} if rules.reached_responder(info_request) else set()
    )
    return {
        "all": requesting | responding,
        "requesting": requesting,
        "responding": responding,
    }.get(event.audience, set())


def on_published(sender, *, event: RequestEvent, **kwargs) -> None:
    """``exchange.events.published`` receiver: the event's webhook deliveries."""
    enqueue_for_event(event)


def enqueue_for_event(event: RequestEvent) -> list[WebhookDelivery]:
    """Write (and queue) a delivery per matching subscription; call inside the transaction
    that wrote the event. The payload holds codes and ids only, never personal data."""
    payload = {
        "id": event.pk,
        "type": event.code,
        "created_at": event.created_at.isoformat(),
        "request": event.info_request_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
    }
    return _enqueue(_authorities_seeing(event), event.code, payload, event=event)


def _authorities_seeing_alert(event: AlertEvent) -> set[int]:
    """The authorities party to the alert that ``event`` is for (access/alerts.py): the
    sending country (the sender, and its coordinator once the alert is no draft) for every
    event; the recipient coordinators and the authorities they passed the alert to for the
    events everyone sees, once it was sent; a recipient country's own step (``country``)
    only to that country's."""
    from openimi.alerts.workflow import BEFORE_SENDING, State

    alert = event.alert
    found = {alert.sending_authority_id}
    if alert.validating_coordinator_id and event.to_status != State.DRAFT:
        found.add(alert.validating_coordinator_id)
    if event.audience != AlertEvent.Audience.ALL or event.to_status in BEFORE_SENDING:
        return found
    recipients = alert.recipients.all()
    if event.country_id:
        recipients = recipients.filter(country_id=event.country_id)
    found.update(recipients.values_list("coordinator_id", flat=True))
    found.update(
        AlertDistribution.objects.filter(recipient__in=recipients).values_list(
            "authority_id", flat=True
        )
    )
    return found


def on_alert_published(sender, *, event: AlertEvent, **kwargs) -> None:
    """``alerts.events.published`` receiver: the alert event's webhook deliveries."""
    enqueue_for_alert_event(event)


def enqueue_for_alert_event(event: AlertEvent) -> list[WebhookDelivery]:
    """As ``enqueue_for_event``, for an alert's event: codes and ids only (``data`` holds
    ids of updates, authorities and countries, never a text or a name)."""
    payload = {
        "id": event.pk,
        "type": event.code,
        "created_at": event.created_at.isoformat(),
        "alert": event.alert_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "country": event.country_id or None,
    }
    return _enqueue(_authorities_seeing_alert(event), event.code, payload, alert_event=event)


def _enqueue(
    authorities: set[int], code: str, payload: dict, **event: RequestEvent | AlertEvent
) -> list[WebhookDelivery]:
    if not authorities:
        return []
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(
            authority_id__in=authorities, is_active=True
        ).order_by("pk")
        if code in subscription.event_types
    ]
    deliveries = []
    for subscription in subscriptions:
        now = timezone.now()
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event_type=code,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
            **event,
        )
        webhook_deliver_task.enqueue(delivery.pk)
        deliveries.append(delivery)
    return deliveries


@task()
def webhook_deliver_task(delivery_id: int) -> str:
    """POST one delivery; records the outcome and queues the retry (idempotent)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = int(timezone.now().timestamp())
    message_id = f"msg_{delivery.pk}"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "openimi-webhooks",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(subscription.secret, message_id, timestamp, body),
    }
    if not subscription.secret.startswith(SECRET_PREFIX):
        headers[LEGACY_SIGNATURE_HEADER] = _legacy_sign(subscription.secret, timestamp, body)
    code, error = None, ""
    try:
        code = _post(subscription.url, body, headers)
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except (OSError, http.client.HTTPException, ApplicationError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    now = timezone.now()
    if code is not None and 200 <= code < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED,
            last_response_code=code,
            last_error="",
            delivered_at=now,
        )
        return "delivered"
    give_up = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    with transaction.atomic():
        pending = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=WebhookDelivery.Status.PENDING
        )
        if give_up:
            pending.update(
                status=WebhookDelivery.Status.FAILED, last_response_code=code, last_error=error
            )
            return "failed"
        next_attempt_at = now + outbox_backoff(delivery.attempts)
        if pending.update(
            last_response_code=code, last_error=error, next_attempt_at=next_attempt_at
        ):
            webhook_deliver_task.using(run_after=next_attempt_at).enqueue(delivery.pk)
    logger.warning("Webhook delivery %s: attempt %s failed", delivery.pk, delivery.attempts)
    return "retry"


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Lock the row, check it is pending and due, count the attempt and take the lease."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        now = timezone.now()
        if (
            delivery is None
            or delivery.status != WebhookDelivery.Status.PENDING
            or delivery.next_attempt_at > now
        ):
            return None
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            # The last attempt never recorded an outcome: its worker died while sending.
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = (
                f"Gave up after {delivery.attempts} attempts; the last one never finished "
                "(its worker stopped while sending)."
            )
            delivery.save(update_fields=["status", "last_error"])
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(seconds=settings.WEBHOOK_SEND_LEASE_SECONDS)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


@task()
def webhook_sweep_task() -> dict[str, int]:
    """Re-queue deliveries a dead worker left pending, and come back later (even after an
    error). The outbox sweeper marks the dead worker's task failed."""
    try:
        requeued = _requeue_overdue_deliveries()
    finally:
        schedule_next(webhook_sweep_task, settings.OUTBOX_SWEEP_INTERVAL_SECONDS)
    return {"deliveries_requeued": requeued}


def ensure_webhook_sweeper_scheduled() -> bool:
    """Queue a sweep now unless one is queued or fresh (``openimi worker`` calls this at start)."""
    return ensure_scheduled(webhook_sweep_task)


def _requeue_overdue_deliveries() -> int:
    """Queue again the pending deliveries overdue by more than the grace period: their worker
    died while sending (the lease ran out) or their task was lost. A duplicate is harmless:
    the claim lets one through. ``next_attempt_at`` moves to now so that the next sweep
    leaves them alone for another grace period."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        overdue = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=cutoff)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
        )
        WebhookDelivery.objects.filter(pk__in=overdue).update(next_attempt_at=now)
        for delivery_id in overdue:
            webhook_deliver_task.enqueue(delivery_id)
    if overdue:
        logger.info("Webhook sweeper re-queued %s overdue delivery(ies)", len(overdue))
    return len(overdue)
