"""The monitoring rules; part of the policy (``policy.py`` imports it).

Who may watch timeliness, and which requests their figures count:

- ``MONITORING_VIEW`` (the object is the user's own ``Authority``): its supervisors, for the
  areas they supervise, and its local data administrators, for every area. The local data
  administrator is allowed because the seed makes that role answer for the authority's use of
  IMI (rollout, users, e-mail addresses); it sees counts and dates only, never a request.
- ``MONITORING_COORDINATE`` (no object): the supervisors and local data administrators of a
  coordinator, for the authorities it supervises (``AreaPreferences.supervising_coordinator``,
  per area); a supervisor again only in the areas of its grants.

The figures count requests that reached the responding authority, never drafts or requests
awaiting their coordinator's approval, and they start from the same queries as the lists
(``requests_visible_to`` / ``requests_supervised_by``), so nobody counts what they could not
see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet

from openimi.access.actions import Action
from openimi.access.roles import grants, has_role, is_local_data_administrator

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.exchange.models import InformationRequest

RECEIVED = "received"
SENT = "sent"
# The authority a side is seen from: requests received are counted for their responding
# authority, requests sent for their requesting authority.
SIDE_FIELDS = {RECEIVED: "responding_authority", SENT: "requesting_authority"}


def _roles() -> Any:
    from openimi.accounts.models import Role

    return Role


def _watches(user: User) -> bool:
    """A supervisor (in some area) or the local data administrator of the user's authority."""
    return has_role(user, _roles().SUPERVISOR) or is_local_data_administrator(user, user.authority)


def can(user: User, action: Action, obj: Any) -> bool:
    """The monitoring rules of ``policy.can``; ``user`` is known to be active."""
    if user.authority_id is None:
        return False
    if action is Action.MONITORING_VIEW:
        return obj is not None and obj.pk == user.authority_id and _watches(user)
    if action is Action.MONITORING_COORDINATE:
        return user.authority is not None and user.authority.is_coordinator and _watches(user)
    return False


def monitored_area_ids(user: User) -> list[int] | None:
    """The areas whose figures the user sees: ``None`` for every area (a local data
    administrator), else the areas the user supervises."""
    if is_local_data_administrator(user, user.authority):
        return None
    supervisor = _roles().SUPERVISOR
    return sorted(
        area_id for role, area_id in grants(user) if role == supervisor and area_id is not None
    )


def monitored_requests(
    user: User, *, side: str, coordinate: bool = False
) -> QuerySet[InformationRequest]:
    """The requests counted for ``user``: received (``side=RECEIVED``) or sent by the user's
    authority, or with ``coordinate`` by the authorities its coordinator supervises in the
    request's area. Callers have checked the matching action."""
    from openimi.access import requests as request_rules
    from openimi.authorities.models import AreaPreferences
    from openimi.exchange.workflow import BEFORE_RESPONDER

    side_field = SIDE_FIELDS[side]
    if coordinate:
        requests = request_rules.requests_supervised_by(user).filter(
            Exists(
                AreaPreferences.objects.filter(
                    authority_id=OuterRef(f"{side_field}_id"),
                    area_id=OuterRef("area_id"),
                    supervising_coordinator_id=user.authority_id,
                )
            )
        )
    else:
        requests = request_rules.requests_visible_to(user).filter(
            **{f"{side_field}_id": user.authority_id}
        )
    requests = requests.filter(sent_at__isnull=False).exclude(status__in=list(BEFORE_RESPONDER))
    areas = monitored_area_ids(user)
    if areas is not None:
        requests = requests.filter(area_id__in=areas)
    return requests


def network_requests(user: User, *, side: str) -> QuerySet[InformationRequest]:
    """The requests counted in the network's figures (``NETWORK_MONITORING_VIEW``, which the
    caller has checked): received (``side=RECEIVED``) or sent by the authorities of the
    countries the user watches (every country for the network administrator). Counts and
    dates only: nobody sees a request through them."""
    from openimi.access import network as network_rules
    from openimi.exchange.models import InformationRequest
    from openimi.exchange.workflow import BEFORE_RESPONDER

    requests = InformationRequest.objects.filter(sent_at__isnull=False).exclude(
        status__in=list(BEFORE_RESPONDER)
    )
    countries = network_rules.countries(user)
    if countries is not None:
        requests = requests.filter(**{f"{SIDE_FIELDS[side]}__country_id__in": countries})
    return requests
