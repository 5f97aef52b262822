"""The rules for alerts (issue 22); part of the policy (``policy.py`` imports it).

Need to know, by role and country: an alert is seen by

- the **sender**: the request handlers and supervisors, for the alert's area, of the sending
  authority (drafts included); its request handlers write, submit, update and propose
  closure;
- the **validating coordinator**: the alert coordinator of the sender's country for the area
  (``AlertCoordinator``), through its request handlers and supervisors for the area, once
  the alert is submitted; they validate or return it, its new information and its closure;
- each **recipient coordinator**: the alert coordinator of a country the alert was sent to,
  through the same roles; they acknowledge it and distribute it to their authorities;
- each **recipient authority** the alert was distributed to: its request handlers and
  supervisors for the area read it.

Everyone who sees an alert sees its personal data (they all need it to act: a nurse is
recognised by name and date of birth), until the retention job removes it; every showing
is logged. Nobody else sees it: not the network administrator, not other coordinators, not
local data administrators as such. Withdrawing is the sender's or its coordinator's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from openimi.access.actions import Action
from openimi.access.roles import grants, is_local_data_administrator, is_network_administrator

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import QuerySet

    from openimi.accounts.models import User
    from openimi.alerts.models import Alert

SENDER, VALIDATOR, RECIPIENT_COORDINATOR, RECIPIENT_AUTHORITY = (
    "sender",
    "validator",
    "recipient_coordinator",
    "recipient_authority",
)


def _roles() -> Any:
    from openimi.accounts.models import Role

    return Role


def _alert_areas(user: User) -> set[int]:
    """The areas in which the user reads alerts (request handler or supervisor)."""
    roles = _roles()
    return {
        area
        for role, area in grants(user)
        if role in (roles.REQUEST_HANDLER, roles.SUPERVISOR) and area is not None
    }


def _handler_areas(user: User) -> set[int]:
    roles = _roles()
    return {area for role, area in grants(user) if role == roles.REQUEST_HANDLER and area}


def parties(user: User, alert: Alert) -> frozenset[str]:
    """The parts ``user`` plays in ``alert`` (see the module's text); at most two queries,
    kept on the alert for the rest of the request."""
    from openimi.alerts.models import AlertDistribution, AlertRecipient
    from openimi.alerts.workflow import BEFORE_SENDING, State

    cached = getattr(alert, "_policy_parties", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    found: set[str] = set()
    authority_id = user.authority_id
    if authority_id is not None and alert.area_id in _alert_areas(user):
        if alert.sending_authority_id == authority_id:
            found.add(SENDER)
        if alert.validating_coordinator_id == authority_id and alert.status != State.DRAFT:
            found.add(VALIDATOR)
        if alert.status not in BEFORE_SENDING:
            if AlertRecipient.objects.filter(alert=alert, coordinator_id=authority_id).exists():
                found.add(RECIPIENT_COORDINATOR)
            if AlertDistribution.objects.filter(
                recipient__alert=alert, authority_id=authority_id
            ).exists():
                found.add(RECIPIENT_AUTHORITY)
    result = frozenset(found)
    alert._policy_parties = (user.pk, result)  # type: ignore[attr-defined]
    return result


def _sender_handler(user: User, alert: Alert) -> bool:
    return SENDER in parties(user, alert) and alert.area_id in _handler_areas(user)


def _active_authority(user: User) -> bool:
    return user.authority is not None and user.authority.is_active


def can(user: User, action: Action, obj: Any) -> bool:
    """The alert rules of ``policy.can``; ``user`` is known to be active."""
    match action:
        case Action.ALERT_COORDINATORS_MANAGE:
            if is_network_administrator(user):
                return True
            own = user.authority
            return (
                own is not None
                and own.kind == own.Kind.NATIONAL_COORDINATOR
                and is_local_data_administrator(user, own)
                and (obj is None or obj.pk == own.country_id)
            )
        case Action.ALERT_LIST:
            return user.authority_id is not None and bool(_alert_areas(user))
        case Action.ALERT_CREATE:
            if not _active_authority(user):
                return False
            if obj is None:
                return _may_create_in_some_area(user)
            return obj.pk in _handler_areas(user) and obj.code in _kind_area_codes()
        case Action.ALERT_RECEIVE:
            from openimi.alerts.workflow import LIVE_STATES

            return (
                obj is not None
                and obj.coordinator_id == user.authority_id
                and obj.alert.status in LIVE_STATES
                and RECIPIENT_COORDINATOR in parties(user, obj.alert)
            )
        case Action.ALERT_DOWNLOAD_ATTACHMENT:
            return obj is not None and can(user, Action.ALERT_VIEW_PERSONAL_DATA, obj.alert)
    if obj is None:
        return False
    alert = obj
    match action:
        case Action.ALERT_VIEW:
            return bool(parties(user, alert))
        case Action.ALERT_VIEW_PERSONAL_DATA:
            return alert.personal_data_removed_at is None and bool(parties(user, alert))
        case Action.ALERT_EDIT_DRAFT | Action.ALERT_UPDATE:
            return _sender_handler(user, alert) and _active_authority(user)
        case Action.ALERT_VALIDATE:
            return VALIDATOR in parties(user, alert)
        case Action.ALERT_WITHDRAW:
            return _sender_handler(user, alert) or VALIDATOR in parties(user, alert)
    return False


def _kind_area_codes() -> set[str]:
    """The codes of the legislative areas some kind of alert belongs to."""
    from openimi.alerts.types import KINDS

    return {kind.area_code for kind in KINDS.values()}


def _may_create_in_some_area(user: User) -> bool:
    from openimi.authorities.models import LegislativeArea

    areas = _handler_areas(user)
    return bool(areas) and (
        LegislativeArea.objects.filter(pk__in=areas, code__in=_kind_area_codes()).exists()
    )


def alerts_visible_to(user: User | None) -> QuerySet[Alert]:
    """Every alert ``user`` may see (``Action.ALERT_VIEW``), as one query: ``parties``'s rules
    written as a filter (a test keeps the two in step)."""
    from openimi.alerts.models import Alert, AlertDistribution, AlertRecipient
    from openimi.alerts.workflow import BEFORE_SENDING, State

    alerts = Alert.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return alerts.none()
    authority_id = user.authority_id
    areas = _alert_areas(user)
    if authority_id is None or not areas:
        return alerts.none()
    sent = ~Q(status__in=BEFORE_SENDING)
    visible = (
        Q(sending_authority_id=authority_id)
        | (Q(validating_coordinator_id=authority_id) & ~Q(status=State.DRAFT))
        | (
            sent
            & (
                Q(
                    Exists(
                        AlertRecipient.objects.filter(
                            alert=OuterRef("pk"), coordinator_id=authority_id
                        )
                    )
                )
                | Q(
                    Exists(
                        AlertDistribution.objects.filter(
                            recipient__alert=OuterRef("pk"), authority_id=authority_id
                        )
                    )
                )
            )
        )
    )
    return alerts.filter(Q(area_id__in=areas) & visible)


def people_of(
    authority_ids: Iterable[int | None], area_id: int, *, handlers_only: bool = False
) -> QuerySet[User]:
    """The active users of these authorities who see the area's alerts: their request
    handlers and supervisors (only the handlers, who write and change alerts, with
    ``handlers_only``). Whom the alerts' e-mails tell (``alerts.notify``)."""
    from openimi.accounts.models import User

    roles = _roles()
    ids = {pk for pk in authority_ids if pk is not None}
    if not ids:
        return User.objects.none()
    wanted = [roles.REQUEST_HANDLER] if handlers_only else [roles.REQUEST_HANDLER, roles.SUPERVISOR]
    return (
        User.objects.filter(
            authority_id__in=ids,
            is_active=True,
            role_grants__role__in=wanted,
            role_grants__area_id=area_id,
        )
        .exclude(status=User.Status.INACTIVE)
        .distinct()
        .order_by("pk")
    )


def alert_recipients_for(user: User | None) -> Q:
    """The ``AlertRecipient`` rows ``user`` acts on as a recipient coordinator (a filter)."""
    if user is None or not user.is_authenticated or user.authority_id is None:
        return Q(pk__in=[])
    return Q(coordinator_id=user.authority_id, alert__area_id__in=_alert_areas(user))
