"""The notification outbox: one row per e-mail to one recipient, written in the transaction
that caused it and delivered by ``tasks.outbox_deliver_task`` with retries and backoff.

Only ``services.py`` and ``tasks.py`` write these rows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openimi.common.models import TimeStampedModel


class OutboxMessage(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # The idempotency key, e.g. "<event id>:<recipient>": enqueueing the same key twice is a no-op.
    key = models.CharField(_("key"), max_length=300, unique=True)
    event_code = models.CharField(_("event"), max_length=60, blank=True)
    recipient_email = models.EmailField(_("recipient e-mail address"), max_length=254)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
        verbose_name=_("recipient"),
    )
    # The authority whose local data administrators answer for this delivery.
    authority = models.ForeignKey(
        "authorities.Authority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
        verbose_name=_("authority"),
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    # 998 characters is the longest line RFC 5322 allows in a header.
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    cc = models.JSONField(_("copy to"), default=list, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Attempts started, counted when a worker claims the message (so a message that kills its
    # worker every time still reaches the maximum and stops).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            # The sweeper's query: pending messages that are overdue.
            models.Index(fields=["status", "next_attempt_at"]),
            # A local data administrator's list of failed deliveries of their authority.
            models.Index(fields=["authority", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
