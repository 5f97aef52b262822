"""The facts about one request that the permission rules read (``access/requests.py``): its
authorities' preferences for the area (allocation, approvals, supervising coordinator, may
accept or reject), whether it reached the responder, who it is allocated to; and the
read-ahead (``load_facts``, ``copy_facts``) that reads them for many requests at once.

No rule about users lives here: who may do what is ``access/requests.py``. Part of the policy
(the only code that reads these flags); callers reach it through ``access.requests``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
    from openimi.exchange.models import InformationRequest

REQUESTING = "requesting"
RESPONDING = "responding"


def preferences(info_request: InformationRequest, side: str) -> AreaPreferences | None:
    """The preferences of ``side``'s authority for the request's area (cached on the request)."""
    from openimi.authorities.models import AreaPreferences

    authority_id = (
        info_request.requesting_authority_id
        if side == REQUESTING
        else info_request.responding_authority_id
    )
    if authority_id is None:
        return None
    cache: dict[tuple[int, int], AreaPreferences | None] = info_request.__dict__.setdefault(
        "_policy_preferences", {}
    )
    key = (authority_id, info_request.area_id)
    if key not in cache:
        cache[key] = AreaPreferences.objects.filter(
            authority_id=authority_id, area_id=info_request.area_id
        ).first()
    return cache[key]


def reached_responder(info_request: InformationRequest) -> bool:
    """Whether the request has been delivered to its responding authority."""
    from openimi.exchange.workflow import BEFORE_RESPONDER

    return info_request.sent_at is not None and info_request.status not in BEFORE_RESPONDER


def uses_allocation(info_request: InformationRequest) -> bool:
    prefs = preferences(info_request, RESPONDING)
    return bool(prefs and prefs.uses_allocation)


def outgoing_needs_approval(info_request: InformationRequest) -> bool:
    """Whether the requesting authority must have its requests approved by its coordinator."""
    prefs = preferences(info_request, REQUESTING)
    return bool(prefs and prefs.needs_coordinator_approval)


def answer_needs_approval(info_request: InformationRequest) -> bool:
    """Whether the responding authority must have its answers approved by its coordinator."""
    prefs = preferences(info_request, RESPONDING)
    return bool(prefs and prefs.needs_coordinator_approval)


def supervising_coordinator_id(info_request: InformationRequest, side: str) -> int | None:
    prefs = preferences(info_request, side)
    return prefs.supervising_coordinator_id if prefs else None


def may_accept(info_request: InformationRequest) -> bool:
    """The seed: an authority that may not accept requests still accepts those of its own
    country ("geen verzoeken uit andere landen aanvaarden"); coordinators always may."""
    responding = info_request.responding_authority
    if responding is None:
        return False
    if responding.is_coordinator:
        return True
    prefs = preferences(info_request, RESPONDING)
    if prefs is None or prefs.may_accept:
        return True
    return responding.country_id == info_request.requesting_authority.country_id


def may_reject(info_request: InformationRequest) -> bool:
    """Normally only the coordinator rejects on behalf of its country; an authority only where
    its coordinator allowed it (``may_reject``)."""
    responding = info_request.responding_authority
    if responding is None:
        return False
    if responding.is_coordinator:
        return True
    prefs = preferences(info_request, RESPONDING)
    return bool(prefs and prefs.may_reject)


def can_receive_requests(authority: Authority, area: LegislativeArea) -> bool:
    """Whether requests of ``area`` may be sent or forwarded to ``authority``: it is active
    (not deactivated or merged into another) and registered for the area, or a coordinator."""
    if not authority.is_active:
        return False
    return authority.is_coordinator or authority.preferences.filter(area=area).exists()


def authorities_receiving_requests(area_id: int) -> Q:
    """``can_receive_requests`` as a filter on authorities, for lists of candidates."""
    from openimi.authorities.models import Authority

    return Q(is_active=True) & (
        Q(preferences__area=area_id) | Q(kind__in=Authority.COORDINATOR_KINDS)
    )


def read_ahead_allocations(info_request: InformationRequest) -> frozenset[int] | None:
    """The handlers the request is allocated to now, as ``load_facts`` read them; ``None``
    when they were not read ahead."""
    return info_request.__dict__.get("_policy_allocated")


def is_allocated(user: User, info_request: InformationRequest) -> bool:
    allocated = read_ahead_allocations(info_request)
    if allocated is not None:  # read for many requests at once by ``load_facts``
        return user.pk in allocated
    return info_request.allocations.filter(handler=user, is_active=True).exists()


def load_facts(info_requests: Iterable[InformationRequest]) -> None:
    """Read at once what the rules need for many requests, so that checking them costs
    no query per request: the preferences of both authorities for each request's area and the
    active allocations (two queries whatever the number of requests; the user's role grants
    are read once per user by ``has_role``). Only for reading: the facts are cached on these
    instances, and a service that changes a request works on a fresh, locked one (reading
    personal data, which only records the read, reuses them: ``copy_facts``)."""
    from openimi.authorities.models import AreaPreferences
    from openimi.exchange.models import Allocation

    info_requests = [info_request for info_request in info_requests if info_request.pk]
    if not info_requests:
        return
    authority_ids = {
        authority_id
        for info_request in info_requests
        for authority_id in (
            info_request.requesting_authority_id,
            info_request.responding_authority_id,
        )
        if authority_id is not None
    }
    area_ids = {info_request.area_id for info_request in info_requests}
    found = {
        (prefs.authority_id, prefs.area_id): prefs
        for prefs in AreaPreferences.objects.filter(
            authority_id__in=authority_ids, area_id__in=area_ids
        )
    }
    allocated: dict[int, set[int]] = {info_request.pk: set() for info_request in info_requests}
    for request_id, handler_id in Allocation.objects.filter(
        info_request_id__in=list(allocated), is_active=True
    ).values_list("info_request_id", "handler_id"):
        allocated[request_id].add(handler_id)
    for info_request in info_requests:
        cache = info_request.__dict__.setdefault("_policy_preferences", {})
        for authority_id in (
            info_request.requesting_authority_id,
            info_request.responding_authority_id,
        ):
            if authority_id is not None:
                key = (authority_id, info_request.area_id)
                cache[key] = found.get(key)
        info_request.__dict__["_policy_allocated"] = frozenset(allocated[info_request.pk])


def copy_facts(source: InformationRequest, target: InformationRequest) -> None:
    """What ``load_facts`` read for ``source`` onto ``target``, the same request read again
    (a service's fresh read in the same web request): its checks then ask no query again.
    Preferences are kept by (authority, area), so a request forwarded in between reads its
    new authority's."""
    if source.pk != target.pk:
        return
    preferences_ = source.__dict__.get("_policy_preferences")
    if preferences_:
        target.__dict__.setdefault("_policy_preferences", {}).update(preferences_)
    allocated = read_ahead_allocations(source)
    if allocated is not None:
        target.__dict__["_policy_allocated"] = allocated
