"""What happens around a request: attachments, allocations, the event log, notes and the
mediation thread. Only ``exchange.services`` (and ``exchange.events``) write these rows."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import Authority
from openimi.exchange.models.requests import InformationRequest, RequestQuestion
from openimi.exchange.via import Via


class Side(models.TextChoices):
    REQUESTING = "requesting", _("Requesting authority")
    RESPONDING = "responding", _("Responding authority")


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name under the request: the original name may itself be personal data."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"exchange/{instance.info_request_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A document attached to a request or to one asked question (then: part of the answer).

    Documents are treated as personal data: coordinators never see them and every download
    goes through the policy and is recorded. Files are kept by the default storage under
    ``var/media``, which no URL serves; ``exchange.services.attachment_open`` is the way out.
    ``released_at`` is when the other side may see it: at once for the requesting side's
    documents, when the answer is sent for the responding side's.
    """

    personal_data = True

    info_request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    request_question = models.ForeignKey(
        RequestQuestion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    side = models.CharField(_("added by"), max_length=12, choices=Side.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    released_at = models.DateTimeField(_("shared at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")

    def __str__(self) -> str:
        return self.original_name


class Allocation(models.Model):
    """One request handler allocated to an incoming request (seed 6.3, Bijlage 3).

    Re-allocating ends the active rows and adds new ones, so the history stays.
    """

    info_request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="allocations"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="request_allocations"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("allocation")
        constraints = [
            models.UniqueConstraint(
                fields=["info_request", "handler"],
                condition=models.Q(is_active=True),
                name="one_active_allocation_per_handler",
            )
        ]
        indexes = [models.Index(fields=["handler", "is_active"])]

    def __str__(self) -> str:
        return f"{self.info_request_id} → {self.handler_id}"


class RequestEvent(models.Model):
    """One thing that happened to a request (DESIGN rule 3): append-only.

    ``data`` never holds personal data or free text (notes live in ``RequestMessage``), so the
    log can be shown, counted and kept for statistics after the personal data is gone.
    ``audience`` says whose timeline shows it; ``audit`` entries (personal data viewed,
    documents downloaded) appear on no timeline.
    """

    class Audience(models.TextChoices):
        ALL = "all", _("Both authorities")
        REQUESTING = "requesting", _("Requesting authority")
        RESPONDING = "responding", _("Responding authority")
        AUDIT = "audit", _("Audit only")

    info_request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("event"), max_length=60)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.ALL)
    data = models.JSONField(default=dict, blank=True)
    # How the actor acted (``exchange.via``): the web, the API (with which token) or, empty,
    # the system (a job). The token stays named after it expires; deleting it leaves "the API".
    via = models.CharField(max_length=3, choices=Via.choices, blank=True, default=Via.SYSTEM)
    api_token = models.ForeignKey(
        "api.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("request event")
        indexes = [
            models.Index(fields=["info_request", "created_at"]),
            models.Index(fields=["code", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.info_request_id} {self.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Request events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Request events are append-only.")


class RequestMessage(models.Model):
    """A free-text note that goes with a transition (forward note, question for more
    information, follow-up question, ...), in the language it was written in.

    Kept apart from the event so that the event log holds no free text.
    """

    class Kind(models.TextChoices):
        FORWARD_NOTE = "forward_note", _("Note with the forwarded request")
        RETURN_NOTE = "return_note", _("Reason for returning")
        REJECTION_NOTE = "rejection_note", _("Explanation of the rejection")
        INFORMATION_REQUEST = "information_request", _("Information asked for")
        INFORMATION = "information", _("Information provided")
        FOLLOW_UP = "follow_up", _("Follow-up question")
        WITHDRAWAL_NOTE = "withdrawal_note", _("Reason for withdrawing")
        REFERRAL = "referral", _("Reason for referring to the coordinator")

    info_request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="messages"
    )
    event = models.OneToOneField(RequestEvent, on_delete=models.CASCADE, related_name="message")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    audience = models.CharField(max_length=12, choices=RequestEvent.Audience.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=3)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note")

    def __str__(self) -> str:
        return f"{self.info_request_id} {self.kind}"


class MediationMessage(models.Model):
    """A message in the mediation thread of a request referred to the coordinator."""

    info_request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="mediation_messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"))
    language = models.CharField(_("language"), max_length=3)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("mediation message")

    def __str__(self) -> str:
        return f"{self.info_request_id} mediation {self.pk}"
