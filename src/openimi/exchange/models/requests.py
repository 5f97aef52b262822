"""The information request, the personal data it is about, its questions and their answers.

Only ``exchange.services`` writes these rows, and only services assign ``status`` (through
``exchange.workflow``). Personal data lives apart in ``PersonalData`` (DESIGN rule 5): the
request row itself holds none, so lists, coordinators' overviews and e-mails never touch it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import Authority, Country, LegislativeArea
from openimi.common.models import TimeStampedModel
from openimi.exchange.models.question_sets import Question, QuestionSet, StandardAnswer
from openimi.exchange.workflow import FINAL_STATES, State


def personal(field: models.Field) -> models.Field:
    """Mark a model field as personal data (retention, audit and exports look for the mark)."""
    field.personal_data = True  # type: ignore[attr-defined]
    return field


class InformationRequest(TimeStampedModel):
    """A request from one authority to another about one service provider.

    ``responding_authority`` is the authority that must act now: forwarding replaces it.
    ``is_practice`` is copied from the question set so that lists and e-mails need no join.
    ``referred_to_coordinator`` is the mediation flag; ``mediating_coordinator`` the coordinator
    authority that mediates (the supervising coordinator of the side that referred).
    """

    class RejectionReason(models.TextChoices):
        # The only two grounds the seed allows (Bijlage 2).
        INSUFFICIENTLY_MOTIVATED = "insufficiently_motivated", _("Insufficiently motivated")
        OUTSIDE_SCOPE = "outside_scope", _("Outside the scope of the legislation")

    requesting_authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="outgoing_requests",
        verbose_name=_("requesting authority"),
    )
    requesting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    responding_authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_requests",
        verbose_name=_("responding authority"),
    )
    area = models.ForeignKey(
        LegislativeArea,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("legislative area"),
    )
    question_set = models.ForeignKey(
        QuestionSet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("question set"),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=State.choices, default=State.DRAFT, editable=False
    )
    is_practice = models.BooleanField(_("practice (fictitious case)"), default=False)
    justification = models.TextField(_("justification"), blank=True)
    justification_language = models.CharField(
        _("language of the justification"), max_length=3, blank=True
    )
    reply_by = models.DateField(_("requested reply date"), null=True, blank=True)
    acceptance_deadline = models.DateField(_("accept or forward by"), null=True, blank=True)
    rejection_reason = models.CharField(
        _("ground for rejection"), max_length=30, choices=RejectionReason.choices, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    referred_to_coordinator = models.BooleanField(_("referred to the coordinator"), default=False)
    mediating_coordinator = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediated_requests",
        verbose_name=_("mediating coordinator"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("information request")
        indexes = [
            models.Index(fields=["requesting_authority", "status"]),
            models.Index(fields=["area", "status"]),
            models.Index(fields=["status", "reply_by"]),
            models.Index(fields=["reply_by"]),
            models.Index(fields=["-sent_at", "-created_at"], name="exchange_request_recent"),
            # An authority's incoming requests in one status, newest first (bench/RESULTS.md):
            # a list filtered by status reads one page of rows in index order, and with the
            # deadlines included the overdue count reads the index alone (6 → 1 ms at scale L).
            # It also serves what (responding authority, status) alone would.
            models.Index(
                fields=["responding_authority", "status", "-sent_at", "-created_at", "-id"],
                include=["reply_by", "acceptance_deadline"],
                name="exchange_request_incoming_v2",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.pk}" if self.pk else "—"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    def get_status_display(self) -> str:  # type: ignore[override]
        return State(self.status).label


class PersonalData(TimeStampedModel):
    """The service provider the request is about. Every field is personal data (rule 5).

    Seen only by the handlers, allocators and supervisors of the authorities in the exchange
    (``access.requests``), never by coordinators; every read goes through
    ``exchange.services.personal_data_view``, which records it.
    """

    info_request = models.OneToOneField(
        InformationRequest, on_delete=models.CASCADE, related_name="personal_data"
    )
    provider_name = personal(models.CharField(_("name of the service provider"), max_length=300))
    legal_form = personal(models.CharField(_("legal form"), max_length=100, blank=True))
    registration_number = personal(
        models.CharField(_("registration number"), max_length=100, blank=True)
    )
    vat_number = personal(models.CharField(_("VAT number"), max_length=40, blank=True))
    contact_person = personal(models.CharField(_("contact person"), max_length=200, blank=True))
    street = personal(models.CharField(_("street and number"), max_length=200, blank=True))
    postal_code = personal(models.CharField(_("postal code"), max_length=20, blank=True))
    city = personal(models.CharField(_("town or city"), max_length=100, blank=True))
    country = personal(
        models.ForeignKey(
            Country,
            null=True,
            blank=True,
            on_delete=models.PROTECT,
            related_name="+",
            verbose_name=_("country"),
        )
    )
    date_of_birth = personal(models.DateField(_("date of birth"), null=True, blank=True))
    place_of_birth = personal(models.CharField(_("place of birth"), max_length=100, blank=True))
    email = personal(models.EmailField(_("e-mail address"), blank=True))
    phone = personal(models.CharField(_("telephone"), max_length=40, blank=True))
    website = personal(models.URLField(_("website"), blank=True))
    other_details = personal(models.TextField(_("other identifying details"), blank=True))

    class Meta:
        verbose_name = _("personal data")
        verbose_name_plural = _("personal data")

    def __str__(self) -> str:
        return f"personal data of request {self.info_request_id}"

    def clean(self) -> None:
        # Checked here, so that the page, the correction and the API refuse it alike.
        if self.date_of_birth is not None and self.date_of_birth > timezone.localdate():
            raise ValidationError(
                {"date_of_birth": _("The date of birth must be today or in the past.")}
            )

    @classmethod
    def data_fields(cls) -> list[str]:
        """The names of the fields a service may set (all marked as personal data)."""
        return [
            field.name
            for field in cls._meta.concrete_fields
            if getattr(field, "personal_data", False)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.data_fields()}


class RequestQuestion(models.Model):
    """A question asked in a request, in the order chosen."""

    info_request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="request_questions"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["info_request", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["info_request", "question"], name="question_asked_once_per_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.info_request_id}/{self.question_id}"


class Answer(models.Model):
    """The answer to one asked question: a typed value, or a standard answer, plus free text.

    ``value`` holds the typed answer as JSON: ``"yes"``/``"no"``/``"unknown"``, a choice code,
    or an ISO date; free-text and document questions keep it empty (their text is
    ``free_text``, their documents are attachments of the question). ``sent_at`` is set when
    the answer reaches the requesting authority (on ``answer``, or on approval); saving it
    again clears it, so the requesting side never sees an answer that was not sent.
    ``version`` counts saves, so that two people editing the same answer cannot overwrite
    each other unnoticed.
    """

    request_question = models.OneToOneField(
        RequestQuestion, on_delete=models.CASCADE, related_name="answer"
    )
    value = models.JSONField(_("answer"), null=True, blank=True)
    standard_answer = models.ForeignKey(
        StandardAnswer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("standard answer"),
    )
    free_text = models.TextField(_("explanation"), blank=True)
    free_text_language = models.CharField(
        _("language of the explanation"), max_length=3, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("answer")

    def __str__(self) -> str:
        return f"answer to {self.request_question_id}"
