"""Alerts (issue 22): one authority warns the other countries about a service provider or a
professional. Only ``alerts.services`` writes these rows; only services assign ``status``
(``alerts.workflow``). The person the alert is about lives apart in ``AlertPersonalData``
(DESIGN rule 5), with the free texts that may name them (the alert's description and
updates) removed with it by the retention job.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openimi.alerts.types import AlertType
from openimi.alerts.workflow import RecipientState, State
from openimi.authorities.models import Authority, Country, LegislativeArea
from openimi.common.models import TimeStampedModel
from openimi.exchange.models.requests import personal
from openimi.exchange.via import Via


class AlertCoordinator(models.Model):
    """The authority that coordinates alerts of one legislative area in one country: it
    validates its country's outgoing alerts and receives the other countries' (issue 19's
    network pages register it, like the other coordinators). Its users who act on alerts are
    its request handlers and supervisors for the area."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(LegislativeArea, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="alert_coordinations",
        verbose_name=_("alert coordinator"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alert coordinator")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "area"], name="one_alert_coordinator_per_country_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id}/{self.area_id}: {self.authority}"


class Alert(TimeStampedModel):
    alert_type = models.CharField(_("kind of alert"), max_length=20, choices=AlertType.choices)
    area = models.ForeignKey(
        LegislativeArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    sending_authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="sent_alerts",
        verbose_name=_("sending authority"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The sender country's alert coordinator at submission: it validates the alert, its
    # updates and its closure.
    validating_coordinator = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="validated_alerts",
        verbose_name=_("validating coordinator"),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=State.choices, default=State.DRAFT
    )
    # The language the free texts (description, scope, measures) are written in.
    language = models.CharField(_("language of the texts"), max_length=3)
    activity = models.CharField(_("profession or service activity"), max_length=300, blank=True)
    qualification = models.CharField(_("qualification falsely claimed"), max_length=300, blank=True)
    deciding_authority = models.CharField(
        _("authority or court that decided"), max_length=300, blank=True
    )
    decision_date = models.DateField(_("date of the decision"), null=True, blank=True)
    restriction_scope = personal(models.TextField(_("scope of the restriction"), blank=True))
    restriction_start = models.DateField(_("restriction applies from"), null=True, blank=True)
    restriction_end = models.DateField(
        _("restriction ends on (empty: no end date)"), null=True, blank=True
    )
    description = personal(models.TextField(_("description"), blank=True))
    measures = personal(models.TextField(_("measures taken or planned"), blank=True))
    countries = models.ManyToManyField(
        Country, blank=True, related_name="+", verbose_name=_("countries to warn")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The sender was reminded that the restriction's end date passed (once).
    restriction_end_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The retention job removed the personal data and the free texts (no trace is left).
    personal_data_removed_at = models.DateTimeField(
        _("personal data removed at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(fields=["sending_authority", "status"]),
            models.Index(fields=["status", "closed_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"A-{self.pk}"


class AlertPersonalData(TimeStampedModel):
    """The person or provider the alert is about (DESIGN rule 5): removed whole by retention."""

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="personal_data")
    full_name = personal(models.CharField(_("full name"), max_length=300, blank=True))
    date_of_birth = personal(models.DateField(_("date of birth"), null=True, blank=True))
    place_of_birth = personal(models.CharField(_("place of birth"), max_length=200, blank=True))
    nationality = personal(models.CharField(_("nationality"), max_length=100, blank=True))
    identifier = personal(
        models.CharField(_("registration or identity number"), max_length=100, blank=True)
    )
    address = personal(models.TextField(_("address"), blank=True))

    class Meta:
        verbose_name = _("personal data of an alert")

    def __str__(self) -> str:
        return f"{self.alert_id}"


class AlertRecipient(models.Model):
    """One country the alert was sent to, through its alert coordinator: its own progress."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    coordinator = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="received_alerts"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecipientState.choices,
        default=RecipientState.RECEIVED,
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)

    class Meta:
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "country"], name="one_recipient_per_country")
        ]
        indexes = [models.Index(fields=["coordinator", "status"])]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.country_id}"


class AlertDistribution(models.Model):
    """A competent authority of a recipient country that its alert coordinator passed the
    alert to."""

    recipient = models.ForeignKey(
        AlertRecipient, on_delete=models.CASCADE, related_name="distributions"
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="alerts_received"
    )
    distributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    distributed_at = models.DateTimeField(default=timezone.now)
    first_read_at = models.DateTimeField(_("first read at"), null=True, blank=True)
    first_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["distributed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "authority"], name="one_distribution_per_authority"
            )
        ]
        indexes = [models.Index(fields=["authority"])]

    def __str__(self) -> str:
        return f"{self.recipient_id} → {self.authority_id}"


class AlertUpdate(models.Model):
    """A text the alert's life added: new information or a proposal to close (each waiting
    for validation, then validated or returned), or the reason the alert was returned to its
    sender or withdrawn (a note: nothing to validate)."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("New information")
        CLOSURE = "closure", _("Proposal to close")
        RETURN = "return", _("Returned to the sender")
        WITHDRAWAL = "withdrawal", _("Withdrawal")

    class Status(models.TextChoices):
        AWAITING_VALIDATION = (
            "awaiting_validation",
            pgettext_lazy("status of new information in an alert", "Awaiting validation"),
        )
        VALIDATED = "validated", pgettext_lazy("status of new information in an alert", "Validated")
        RETURNED = "returned", pgettext_lazy("status of new information in an alert", "Returned")
        NOTE = "note", pgettext_lazy("status of new information in an alert", "Note")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING_VALIDATION
    )
    text = personal(models.TextField(_("text")))
    language = models.CharField(_("language"), max_length=3)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why the coordinator sent it back (free text; removed with the personal data).
    return_reason = personal(models.TextField(_("reason"), blank=True))

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.kind} {self.status}"


def alert_attachment_path(instance: AlertAttachment, filename: str) -> str:
    return f"alerts/{instance.alert_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class AlertAttachment(models.Model):
    """A document attached by the sender (the decision, the falsified diploma)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=alert_attachment_path, max_length=255)
    original_name = personal(models.CharField(_("file name"), max_length=255))
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.pk}"


class AlertEvent(models.Model):
    """One thing that happened to an alert (DESIGN rule 3): append-only. ``country`` names the
    recipient country for its own steps (acknowledged, distributed, read); ``data`` holds
    codes and ids only, never personal data or free text."""

    class Audience(models.TextChoices):
        ALL = "all", _("Everyone who sees the alert")
        SENDER = "sender", _("Sending country")
        AUDIT = "audit", _("Audit only")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("event"), max_length=60)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.ALL)
    data = models.JSONField(default=dict, blank=True)
    via = models.CharField(max_length=3, choices=Via.choices, blank=True, default=Via.SYSTEM)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["alert", "created_at"]),
            models.Index(fields=["code", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Alert events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Alert events are append-only.")
