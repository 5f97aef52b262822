"""What a data-subject request leaves behind: the corrections of a request's personal data and
the marks that the data subject contests it (GDPR Art. 16 and 18, IMI Regulation Art. 19).

Only ``privacy.services`` writes these rows. ``old_values`` and the reasons are personal data
(they may name the person): the retention job (``retention.services`` through
``privacy.retention``) moves them into the blocked data and clears them together with the
request's own personal data. What stays is who did what and when, and which fields changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import Authority
from openimi.exchange.models import InformationRequest


class PersonalDataCorrection(models.Model):
    """One correction of a request's personal data at a data subject's request."""

    personal_data = True

    info_request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="personal_data_corrections"
    )
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    # The names of the fields changed: no personal data.
    fields = models.JSONField(_("fields changed"), default=list)
    # {field: value before} and the reason: personal data, cleared by the retention job.
    old_values = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-corrected_at", "-pk"]
        verbose_name = _("personal data correction")
        indexes = [models.Index(fields=["info_request", "corrected_at"])]

    def __str__(self) -> str:
        return f"correction {self.pk} of request {self.info_request_id}"


class ContestMark(models.Model):
    """The data subject contests the accuracy of a request's personal data (a warning for both
    authorities until a local data administrator removes the mark)."""

    personal_data = True

    info_request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="contest_marks"
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="+", verbose_name=_("marked by")
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(_("contested since"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-marked_at", "-pk"]
        verbose_name = _("contest mark")
        constraints = [
            models.UniqueConstraint(
                fields=["info_request"],
                condition=models.Q(removed_at__isnull=True),
                name="one_open_contest_mark_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"contest mark {self.pk} of request {self.info_request_id}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None
