"""Where each request stands in its personal-data lifecycle, what the daily job removed, the
blocked personal data kept apart, and who read it.

Only ``retention.services`` writes these rows. ``DeletionLog`` and ``RetentionState`` hold no
personal data: they stay for the statistics and the accountability of the job.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openimi.exchange.models import InformationRequest


class Lifecycle(models.TextChoices):
    # The seed: personal data is deleted six months after the request ended.
    DELETE = "delete_after_6_months", _("Deleted after the retention period")
    # The IMI Regulation (Art. 14): blocked after six months, deleted three years after closing.
    BLOCK_THEN_DELETE = "block_then_delete", _("Blocked, then deleted")


class RetentionState(models.Model):
    """How far a request got in its lifecycle: blocked, deleted (one row per request)."""

    info_request = models.OneToOneField(
        InformationRequest, on_delete=models.CASCADE, related_name="retention"
    )
    lifecycle = models.CharField(max_length=30, choices=Lifecycle.choices)
    blocked_at = models.DateTimeField(_("personal data blocked at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention state")

    def __str__(self) -> str:
        return f"retention of request {self.info_request_id}"


class BlockedPersonalData(models.Model):
    """The personal data and free texts of a blocked request, moved out of the exchange.

    Once moved here no page, list, e-mail or API can show them: only the operator command
    ``read_blocked_personal_data`` reads this row, and it records why (``BlockedAccessLog``).
    ``files`` are the storage names of the documents, moved under ``retention/blocked/``.
    The row and its files are deleted when the deletion date comes.
    """

    personal_data = True

    info_request = models.OneToOneField(
        InformationRequest, on_delete=models.CASCADE, related_name="blocked_personal_data"
    )
    blocked_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)
    files = models.JSONField(default=list)

    class Meta:
        verbose_name = _("blocked personal data")
        verbose_name_plural = _("blocked personal data")

    def __str__(self) -> str:
        return f"blocked personal data of request {self.info_request_id}"


class DeletionLog(models.Model):
    """One block or deletion by the retention job: what was removed, never what it said."""

    class Action(models.TextChoices):
        BLOCKED = "blocked", _("Personal data blocked")
        DELETED = "deleted", _("Personal data deleted")

    info_request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    lifecycle = models.CharField(_("lifecycle"), max_length=30, choices=Lifecycle.choices)
    closed_at = models.DateTimeField(_("request ended at"), null=True, blank=True)
    performed_at = models.DateTimeField(_("performed at"), default=timezone.now)
    # Counts per kind of thing removed, e.g. {"personal_data": 1, "attachments": 2, ...}.
    removed = models.JSONField(_("removed"), default=dict)

    class Meta:
        ordering = ["-performed_at", "-pk"]
        verbose_name = _("deletion log entry")
        verbose_name_plural = _("deletion log")
        indexes = [models.Index(fields=["performed_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.info_request_id}"


class BlockedAccessLog(models.Model):
    """One read of blocked personal data by an operator, with the justification given."""

    info_request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="+")
    operator = models.CharField(_("operator"), max_length=150)
    justification = models.TextField(_("justification"))
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        ordering = ["-read_at", "-pk"]
        verbose_name = _("read of blocked personal data")

    def __str__(self) -> str:
        return f"{self.operator} read {self.info_request_id}"
