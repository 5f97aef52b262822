"""The kinds of alert, per legal basis, and what each must say before it may be submitted.

The fields are the same columns for every kind (``Alert``, ``AlertPersonalData``); a kind
says which of them its form shows, which are mandatory and what they are called. The legal
bases are fixed by the directives, so the kinds are code (a new kind needs its rules here
and its retention period in settings), unlike question sets, which are network data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AlertType(models.TextChoices):
    # Services Directive 2006/123/EC, Articles 29(3) and 32.
    SERVICES = "services", _("Services: an activity that could cause serious damage")
    # Professional Qualifications Directive 2005/36/EC, Article 56a(1), (2) and (3).
    PQ_HEALTH = "pq_health", _("Health professional restricted or banned from practising")
    PQ_MINORS = "pq_minors", _("Professional working with children restricted or banned")
    PQ_FALSIFIED = "pq_falsified", _("Falsified evidence of professional qualifications")


@dataclass(frozen=True)
class Kind:
    type: AlertType
    area_code: str  # the legislative area whose alert coordinators handle it
    legal_basis: str
    to_every_country: bool  # PQ alerts go to all other countries; services ones to those chosen
    three_day_rule: bool  # Article 56a: sent within three days of the decision
    required: tuple[str, ...]  # Alert fields, and personal data as "personal.<field>"
    shown: tuple[str, ...]  # every field the form shows, in order


_PQ_RESTRICTION_FIELDS = (
    "personal.full_name",
    "personal.date_of_birth",
    "personal.place_of_birth",
    "personal.nationality",
    "personal.identifier",
    "activity",
    "deciding_authority",
    "decision_date",
    "restriction_scope",
    "restriction_start",
    "restriction_end",
    "description",
)
_PQ_RESTRICTION_REQUIRED = (
    "personal.full_name",
    "personal.date_of_birth",
    "activity",
    "deciding_authority",
    "decision_date",
    "restriction_scope",
    "restriction_start",
)

KINDS: dict[AlertType, Kind] = {
    AlertType.SERVICES: Kind(
        type=AlertType.SERVICES,
        area_code="services",
        legal_basis="Directive 2006/123/EC, Art. 29(3), 32",
        to_every_country=False,
        three_day_rule=False,
        required=("personal.full_name", "activity", "description", "countries"),
        shown=(
            "personal.full_name",
            "personal.identifier",
            "personal.address",
            "activity",
            "description",
            "measures",
            "countries",
        ),
    ),
    AlertType.PQ_HEALTH: Kind(
        type=AlertType.PQ_HEALTH,
        area_code="professional_qualifications",
        legal_basis="Directive 2005/36/EC, Art. 56a(1)",
        to_every_country=True,
        three_day_rule=True,
        required=_PQ_RESTRICTION_REQUIRED,
        shown=_PQ_RESTRICTION_FIELDS,
    ),
    AlertType.PQ_MINORS: Kind(
        type=AlertType.PQ_MINORS,
        area_code="professional_qualifications",
        legal_basis="Directive 2005/36/EC, Art. 56a(2)",
        to_every_country=True,
        three_day_rule=True,
        required=_PQ_RESTRICTION_REQUIRED,
        shown=_PQ_RESTRICTION_FIELDS,
    ),
    AlertType.PQ_FALSIFIED: Kind(
        type=AlertType.PQ_FALSIFIED,
        area_code="professional_qualifications",
        legal_basis="Directive 2005/36/EC, Art. 56a(3)",
        to_every_country=True,
        three_day_rule=True,
        required=(
            "personal.full_name",
            "personal.date_of_birth",
            "activity",
            "deciding_authority",
            "decision_date",
            "qualification",
        ),
        shown=(
            "personal.full_name",
            "personal.date_of_birth",
            "personal.place_of_birth",
            "personal.nationality",
            "personal.identifier",
            "activity",
            "qualification",
            "deciding_authority",
            "decision_date",
            "description",
        ),
    ),
}

# What a field is called on the form of each kind (the model's verbose_name otherwise).
LABELS: dict[str, dict[AlertType | None, object]] = {
    "activity": {
        AlertType.SERVICES: _("Service activity"),
        None: _("Profession"),
    },
    "personal.full_name": {
        AlertType.SERVICES: _("Name of the service provider"),
        None: _("Full name of the professional"),
    },
    "personal.identifier": {
        AlertType.SERVICES: _("Registration number of the service provider"),
        None: _("Registration or identity number"),
    },
    "description": {
        AlertType.SERVICES: _("The facts and the risk to health, safety or the environment"),
        None: pgettext_lazy("alert field", "Further information"),
    },
    "deciding_authority": {
        AlertType.PQ_FALSIFIED: _("Court that found the evidence falsified"),
        None: _("Authority or court that decided the restriction"),
    },
    "decision_date": {None: _("Date of the decision")},
}


def kind_of(alert_type: str) -> Kind:
    return KINDS[AlertType(alert_type)]


def label(field: str, alert_type: str | None) -> object | None:
    """The form label of ``field`` for ``alert_type`` (None: the model's own)."""
    labels = LABELS.get(field)
    if labels is None:
        return None
    key = AlertType(alert_type) if alert_type else None
    return labels.get(key, labels.get(None))  # type: ignore[arg-type]
