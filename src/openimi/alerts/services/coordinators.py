"""Registering the alert coordinator of a country for an area (``ALERT_COORDINATORS_MANAGE``):
the network administrator, or the national coordinator for its own country."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.alerts.models import AlertCoordinator, AlertRecipient
from openimi.alerts.workflow import RecipientState, State
from openimi.common.errors import ApplicationError

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority, LegislativeArea


def alert_coordinator_set(
    *, actor: User, area: LegislativeArea, authority: Authority
) -> AlertCoordinator:
    """Make ``authority`` (a coordinator of its country) the alert coordinator of its country
    for ``area``, replacing the one before once it has no alert left to act on."""
    country = authority.country
    policy.require(actor, Action.ALERT_COORDINATORS_MANAGE, country)
    if not authority.is_coordinator or not authority.is_active:
        raise ApplicationError(_("Choose an active coordinator of the country."), field="authority")
    with transaction.atomic():
        current = (
            AlertCoordinator.objects.select_for_update().filter(country=country, area=area).first()
        )
        if current is not None and current.authority_id == authority.pk:
            return current
        if current is not None:
            _check_no_pending_work(current)
            current.authority = authority
            current.registered_by = actor
            current.registered_at = timezone.now()
            current.save(update_fields=["authority", "registered_by", "registered_at"])
            return current
        return AlertCoordinator.objects.create(
            country=country, area=area, authority=authority, registered_by=actor
        )


def alert_coordinator_remove(*, actor: User, coordinator: AlertCoordinator) -> None:
    policy.require(actor, Action.ALERT_COORDINATORS_MANAGE, coordinator.country)
    with transaction.atomic():
        locked = AlertCoordinator.objects.select_for_update().filter(pk=coordinator.pk).first()
        if locked is None:
            return
        _check_no_pending_work(locked)
        locked.delete()


def _check_no_pending_work(coordinator: AlertCoordinator) -> None:
    from openimi.alerts.models import Alert

    waiting = (
        Alert.objects.filter(
            validating_coordinator_id=coordinator.authority_id,
            area_id=coordinator.area_id,
            status__in=[State.AWAITING_VALIDATION, State.CLOSURE_PROPOSED],
        ).exists()
        or AlertRecipient.objects.filter(
            coordinator_id=coordinator.authority_id,
            alert__area_id=coordinator.area_id,
            status__in=[RecipientState.RECEIVED, RecipientState.ACKNOWLEDGED],
            alert__status__in=[State.SENT, State.CLOSURE_PROPOSED],
        ).exists()
    )
    if waiting:
        raise ApplicationError(
            _(
                "This alert coordinator still has alerts to validate or to distribute: it can "
                "be replaced or removed once they are done."
            )
        )
