"""Running the network (issue 19): the record of an authority's life and the requests to join.

Authorities are registered by a coordinator of their country or by the network administrator
(``network.services.registration``), or ask to join through a public form that their
coordinator validates or declines. Every registration, validation and change a coordinator
makes to an authority is an ``AuthorityEvent``: append-only, like a request's events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import Authority, Country, Language, LegislativeArea


class AuthorityEvent(models.Model):
    """One thing that happened to an authority as an organisation (not to its requests), or to
    a request to join before there is an authority (received, declined: ``join_request``)."""

    class Kind(models.TextChoices):
        REGISTERED = "authority.registered", _("Registered")
        JOIN_REQUESTED = "authority.join_requested", _("Request to join received")
        JOIN_VALIDATED = "authority.join_validated", _("Request to join validated")
        JOIN_DECLINED = "authority.join_declined", _("Request to join declined")
        OFFICIAL_NAME_CHANGED = "authority.official_name_changed", _("Official name changed")
        AREA_ADDED = "authority.area_added", _("Legislative area added")
        AREA_REMOVED = "authority.area_removed", _("Legislative area removed")
        COORDINATOR_CHANGED = "authority.coordinator_changed", _("Supervising coordinator changed")
        ADMINISTRATOR_ACCESS_RESET = (
            "authority.administrator_access_reset",
            _("Local data administrator's access reset"),
        )
        REQUESTS_HANDED_OVER = "authority.requests_handed_over", _("Open requests handed over")
        DEACTIVATED = "authority.deactivated", _("Deactivated")
        MERGED_INTO = "authority.merged_into", _("Merged into another authority")
        MERGED_FROM = "authority.merged_from", _("Another authority merged into it")

    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    join_request = models.ForeignKey(
        "JoinRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what happened"), max_length=60, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # What changed, as plain values (old and new name, the area's code, the other
    # authority's id and name...), never personal data beyond the actor.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("authority event")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authority__isnull=False) | models.Q(join_request__isnull=False),
                name="authority_event_is_about_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority_id} {self.kind}"


class JoinRequest(models.Model):
    """An authority's request to join the network, sent through the public form and decided
    by a coordinator of its country (or the network administrator): validating it registers
    the authority with its first local data administrator; declining it needs a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        VALIDATED = "validated", _("Validated")
        DECLINED = "declined", _("Declined")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    official_name = models.CharField(_("official name"), max_length=300)
    informal_title = models.CharField(_("informal title"), max_length=300)
    kind_of_work = models.TextField(_("what the authority does"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("town or city"), max_length=100, blank=True)
    email = models.EmailField(_("general e-mail address"))
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    areas = models.ManyToManyField(
        LegislativeArea, related_name="+", verbose_name=_("legislative areas")
    )
    # The first local data administrator, who receives the usual temporary-password e-mail
    # when the request is validated.
    administrator_first_name = models.CharField(_("first name"), max_length=150)
    administrator_last_name = models.CharField(_("last name"), max_length=150)
    administrator_email = models.EmailField(_("e-mail address"))
    administrator_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered authority"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request to join")
        indexes = [models.Index(fields=["country", "status"])]

    def __str__(self) -> str:
        return self.official_name
