"""Webhooks: an authority's back office is told of the request events it may see.

A delivery row is written in the transaction of the event (``enqueue_for_event``, subscribed
to ``exchange.events.published``), so it exists if and only if the change does, like the e-mail
outbox. ``webhook_deliver_task`` POSTs it with the signature header

    X-Openimi-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>

and retries failures with the outbox's backoff (``notifications.tasks.outbox_backoff``) up to
``WEBHOOK_MAX_ATTEMPTS``. Receivers check the HMAC and reject old timestamps (replay).

Only http(s) URLs are accepted, redirects are not followed, and addresses on loopback,
private, link-local or reserved networks are refused at subscription and again at delivery
(the name may resolve elsewhere by then) unless ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` (tests,
closed networks).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import urllib.error
import urllib.request
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access import requests as rules
from openimi.access.policy import Action
from openimi.api.models import WebhookDelivery, WebhookSubscription
from openimi.common.errors import ApplicationError
from openimi.notifications.tasks import outbox_backoff

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.exchange.models import RequestEvent

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Openimi-Signature"
# How long a worker holds a delivery while sending it.
_LEASE = timedelta(minutes=5)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def check_url(url: str) -> None:
    """Refuse what must never be called: other schemes, and internal addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApplicationError(_("Give an http or https address."), field="url")
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError:
        raise ApplicationError(_("This address cannot be found."), field="url") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ApplicationError(_("This address is not on the public internet."), field="url")


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
            secret=secrets.token_hex(32),
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
    authorities = _authorities_seeing(event)
    if not authorities:
        return []
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(
            authority_id__in=authorities, is_active=True
        ).order_by("pk")
        if event.code in subscription.event_types
    ]
    deliveries = []
    for subscription in subscriptions:
        payload = {
            "id": event.pk,
            "type": event.code,
            "created_at": event.created_at.isoformat(),
            "request": event.info_request_id,
            "from_status": event.from_status,
            "to_status": event.to_status,
        }
        now = timezone.now()
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event=event,
            event_type=event.code,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        webhook_deliver_task.enqueue(delivery.pk)
        deliveries.append(delivery)
    return deliveries


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@task()
def webhook_deliver_task(delivery_id: int) -> str:
    """POST one delivery; records the outcome and queues the retry (idempotent)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = int(timezone.now().timestamp())
    code, error = None, ""
    try:
        check_url(subscription.url)
        request = urllib.request.Request(
            subscription.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "openimi-webhooks",
                SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
            },
        )
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (OSError, ApplicationError) as exc:
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
        delivery.attempts += 1
        delivery.next_attempt_at = now + _LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery
