"""The rules for running the network (issue 19); part of the policy (``policy.py`` imports it).

- The **network administrator** (``Role.NETWORK_ADMINISTRATOR``: the installation's operator,
  the part the European Commission's helpdesk plays in the real system) may do all of it, in
  every country: reference data and question sets, help pages, registrations, an
  authority's life, the network's figures. Its user may belong to no authority.
- A **coordinator of a country** acts through its local data administrators: those of any
  coordinator (national, or delegated for services or an area) register authorities of their
  country and decide its requests to join (seed 1.1); change the official name, areas and
  supervising coordinators of an authority they supervise in some area, or of any authority
  of their country when theirs is the national coordinator, and reset its local data
  administrator's access (seed 6.4, 2.3). Only the **national** coordinator deactivates or
  merges authorities, edits the country's helpdesk contact and sees the country's figures
  (its supervisors too, for the figures).
- Nobody coordinates the own authority (a coordinator's name is changed by its national
  coordinator or the network administrator).
- Every active user may browse the question catalogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from openimi.access.actions import Action
from openimi.access.roles import has_role, is_local_data_administrator, is_network_administrator

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority


def _kinds() -> Any:
    from openimi.authorities.models import Authority

    return Authority.Kind


def _country(user: User) -> str | None:
    return user.authority.country_id if user.authority is not None else None


def _coordinator_administrator(user: User) -> bool:
    """A local data administrator of a coordinator (any kind)."""
    authority = user.authority
    return (
        authority is not None
        and authority.is_coordinator
        and is_local_data_administrator(user, authority)
    )


def _national_coordinator_administrator(user: User) -> bool:
    authority = user.authority
    return (
        authority is not None
        and authority.kind == _kinds().NATIONAL_COORDINATOR
        and is_local_data_administrator(user, authority)
    )


def _national_coordinator_watcher(user: User) -> bool:
    """A local data administrator or a supervisor (any area) of a national coordinator."""
    from openimi.accounts.models import Role

    authority = user.authority
    return (
        authority is not None
        and authority.kind == _kinds().NATIONAL_COORDINATOR
        and (is_local_data_administrator(user, authority) or has_role(user, Role.SUPERVISOR))
    )


def _supervises(user: User, authority: Authority) -> bool:
    """Whether the user's authority supervises ``authority`` in some area."""
    from openimi.authorities.models import AreaPreferences

    return AreaPreferences.objects.filter(
        authority=authority, supervising_coordinator_id=user.authority_id
    ).exists()


def _same_country_other(user: User, authority: Authority | None) -> bool:
    return (
        authority is not None
        and user.authority is not None
        and authority.pk != user.authority_id
        and authority.country_id == user.authority.country_id
    )


def can(user: User, action: Action, obj: Any) -> bool:
    """The network rules of ``policy.can``; ``user`` is known to be active."""
    if is_network_administrator(user):
        return action is not Action.AUTHORITY_COORDINATE or obj is not None
    match action:
        case Action.QUESTION_CATALOGUE_VIEW:
            return True
        case Action.NETWORK_VIEW:
            return countries(user) != []
        case Action.NETWORK_ADMINISTER:
            return False
        case Action.AUTHORITY_REGISTER:
            return _coordinator_administrator(user) and (obj is None or obj.pk == _country(user))
        case Action.AUTHORITY_COORDINATE:
            if not _coordinator_administrator(user) or not _same_country_other(user, obj):
                return False
            return _national_coordinator_administrator(user) or _supervises(user, obj)
        case Action.AUTHORITY_RESTRUCTURE:
            return _national_coordinator_administrator(user) and _same_country_other(user, obj)
        case Action.HELP_MANAGE:
            return (
                obj is not None
                and _national_coordinator_administrator(user)
                and obj.pk == _country(user)
            )
        case Action.NETWORK_MONITORING_VIEW:
            return _national_coordinator_watcher(user)
    return False


def countries(user: User) -> list[str] | None:
    """The countries whose authorities ``user`` registers, decides requests to join for and
    (if a national coordinator's) watches: ``None`` for every country (the network
    administrator), else the own country's code when the user coordinates there, else none."""
    if is_network_administrator(user):
        return None
    if _coordinator_administrator(user) or _national_coordinator_watcher(user):
        country = _country(user)
        return [country] if country is not None else []
    return []


def coordinated_authorities(user: User) -> Q:
    """The authorities ``user`` coordinates (``AUTHORITY_COORDINATE`` as a filter): every one
    for the network administrator; the others of its country for a national coordinator's
    local data administrator; those its authority supervises in some area for another
    coordinator's; none for anyone else."""
    from openimi.authorities.models import AreaPreferences

    if is_network_administrator(user):
        return Q()
    own = user.authority
    if not _coordinator_administrator(user) or own is None:
        return Q(pk__in=[])
    mine = Q(country_id=own.country_id) & ~Q(pk=own.pk)
    if own.kind == _kinds().NATIONAL_COORDINATOR:
        return mine
    return mine & Q(
        Exists(
            AreaPreferences.objects.filter(authority=OuterRef("pk"), supervising_coordinator=own)
        )
    )
