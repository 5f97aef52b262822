"""An authority's alerts when it leaves the network (issue 19's lifecycle): a merger moves
them to the continuing authority, deactivation is refused while it still has alert work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from openimi.alerts import events
from openimi.alerts.models import (
    Alert,
    AlertCoordinator,
    AlertDistribution,
    AlertEvent,
    AlertRecipient,
)
from openimi.alerts.workflow import OPEN_STATES

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority


def alerts_move_to_authority(*, actor: User, source: Authority, target: Authority) -> int:
    """Every part ``source`` plays in alerts passes to ``target`` (a merger, inside its
    transaction): sender, validating coordinator, recipient coordinator, distributed
    authority, registered alert coordinator. One ``alert.authority_moved`` event per alert
    it sent or validated. Returns how many alerts were touched."""
    touched = set(
        Alert.objects.filter(
            Q(sending_authority=source) | Q(validating_coordinator=source)
        ).values_list("pk", flat=True)
    )
    Alert.objects.filter(sending_authority=source).update(sending_authority=target)
    Alert.objects.filter(validating_coordinator=source).update(validating_coordinator=target)
    AlertRecipient.objects.filter(coordinator=source).update(coordinator=target)
    # A country may have passed the alert to both: the continuing authority keeps its own row.
    both = AlertDistribution.objects.filter(
        authority=target, recipient__distributions__authority=source
    ).values_list("recipient_id", flat=True)
    AlertDistribution.objects.filter(authority=source, recipient_id__in=list(both)).delete()
    AlertDistribution.objects.filter(authority=source).update(authority=target)
    AlertCoordinator.objects.filter(authority=source).update(authority=target)
    for alert in Alert.objects.filter(pk__in=touched):
        events.record(
            alert,
            actor,
            events.AUTHORITY_MOVED,
            alert.status,
            {"from": source.pk, "to": target.pk},
            audience=AlertEvent.Audience.SENDER,
        )
    return len(touched)


def authority_alert_work_count(*, authority: Authority) -> int:
    """What stops ``authority`` from being deactivated: its open alerts (sent or being
    validated) and the countries and areas it coordinates alerts for."""
    open_alerts = Alert.objects.filter(
        Q(sending_authority=authority) | Q(validating_coordinator=authority),
        status__in=OPEN_STATES,
    ).count()
    return open_alerts + AlertCoordinator.objects.filter(authority=authority).count()
