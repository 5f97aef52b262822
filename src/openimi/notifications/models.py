"""The notification outbox: one row per e-mail to one recipient, written in the transaction
that caused it and delivered by ``tasks.outbox_deliver_task`` with retries and backoff.

Only ``services.py`` and ``tasks.py`` write these rows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openimi.common.models import TimeStampedModel


class OutboxMessage(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("status of an e-mail", "Pending")
        SENT = "sent", pgettext_lazy("status of an e-mail", "Sent")
        FAILED = "failed", pgettext_lazy("status of an e-mail", "Failed")
        CANCELLED = "cancelled", _("Cancelled")
        # Kept for the recipient's daily digest (``NotificationPreference``): no delivery task.
        HELD = "held", _("Held for the daily digest")
        # Went out as one line of a digest (``digest``), never on its own.
        DIGESTED = "digested", _("Sent in a daily digest")

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
    # The page the e-mail is about: a digest lists the subject and this link.
    link = models.CharField(_("link"), max_length=500, blank=True)
    # For a DIGESTED message: the digest e-mail that carried it.
    digest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digested_messages",
        verbose_name=_("daily digest"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            # The sweeper's query: pending messages that are overdue.
            models.Index(fields=["status", "next_attempt_at"]),
            # A local data administrator's list of failed deliveries of their authority.
            models.Index(fields=["authority", "status"]),
            # Prefix searches on the key (``LIKE 'exchange:<event id>:%'``: the retention job
            # finds a request's e-mails); PostgreSQL's plain index only serves equality.
            models.Index(
                fields=["key"], name="notifications_key_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class NotificationPreference(models.Model):
    """How a user wants the e-mails about information requests: one by one, or one a day.

    Without a row a user gets every e-mail immediately. Deadline reminders, escalations and
    account e-mails (passwords, security) always go immediately whatever is chosen here.
    """

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately, one e-mail for each event")
        DAILY_DIGEST = "daily_digest", _("Once a day, in one summary e-mail")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email_frequency = models.CharField(
        _("e-mails about requests"),
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_frequency}"


class WorkerHeartbeat(models.Model):
    """One running ``openimi worker``: written when it starts, touched every
    ``WORKER_HEARTBEAT_SECONDS`` by its heartbeat thread (``notifications.heartbeat``), deleted
    when it stops cleanly. A row whose ``last_seen`` is older than
    ``WORKER_HEARTBEAT_DEAD_AFTER`` is a dead worker (killed, its machine gone, or cut off from
    the database); the sweeper deletes such rows after ``WORKER_HEARTBEAT_KEEP``.

    Operators' data, shown by ``openimi workers`` and the readiness check: no personal data.
    """

    # The id db_worker records on the tasks it claims (``DBTaskResult.worker_ids``).
    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    # The task running at the last beat (empty while the worker idles).
    task_id = models.CharField(max_length=64, blank=True)
    task_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["hostname", "worker_id"]

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (pid {self.pid})"
