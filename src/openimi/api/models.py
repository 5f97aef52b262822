"""API tokens, their use log, and webhook subscriptions with their deliveries.

Only ``tokens.py`` and ``webhooks.py`` write these rows.

A token is a random 32-byte secret. It is stored as its SHA-256, not with argon2 like a
password: a password is guessable, so its hash must be slow; a 256-bit random secret cannot be
guessed whatever the hash, and a fast hash keeps every API call cheap (it is checked on every
request, not once per login). ``prefix`` finds the row without scanning and is shown in lists
so that people can tell their tokens apart; the secret itself is shown once, at creation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openimi.authorities.models import Authority


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(pgettext_lazy("name of an API token", "name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_valid_at(self, when) -> bool:
        return self.revoked_at is None and self.expires_at > when


class ApiTokenUse(models.Model):
    """One request made with a token: when, what and from where (append-only, one insert)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    used_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-used_at", "-pk"]
        indexes = [models.Index(fields=["token", "-used_at"])]

    def __str__(self) -> str:
        return f"{self.token_id} {self.method} {self.path}"


class WebhookSubscription(models.Model):
    """An authority's URL that receives the request events it may see, signed with
    ``secret`` (HMAC-SHA256). The secret is kept in clear because signing needs it; it is
    shown once, at creation."""

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(_("URL"), max_length=500)
    event_types = models.JSONField(_("event types"), default=list)
    secret = models.CharField(max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook subscription")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("status of a webhook delivery", "Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", pgettext_lazy("status of a webhook delivery", "Failed")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The event delivered: a request's or an alert's (exactly one of the two).
    event = models.ForeignKey(
        "exchange.RequestEvent", null=True, on_delete=models.CASCADE, related_name="+"
    )
    alert_event = models.ForeignKey(
        "alerts.AlertEvent", null=True, on_delete=models.CASCADE, related_name="+"
    )
    event_type = models.CharField(max_length=60)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="one_delivery_per_event_and_subscription"
            ),
            models.UniqueConstraint(
                fields=["subscription", "alert_event"],
                name="one_delivery_per_alert_event_and_subscription",
            ),
            models.CheckConstraint(
                condition=Q(event__isnull=False, alert_event__isnull=True)
                | Q(event__isnull=True, alert_event__isnull=False),
                name="delivery_of_one_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.event_type}"

    @property
    def event_number(self) -> int:
        """The delivered event's id (a request's or an alert's event, as ``event_type`` says)."""
        return self.event_id or self.alert_event_id  # type: ignore[return-value]
