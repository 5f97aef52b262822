"""Reads for running the network (issue 19), scoped by the policy where a reader asks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openimi.access import policy
from openimi.access.policy import Action
from openimi.accounts.models import User
from openimi.accounts.users import selectors as user_selectors
from openimi.authorities.models import Authority, Country, Language, LegislativeArea
from openimi.network.models import JoinRequest

if TYPE_CHECKING:
    from collections.abc import Iterable


def language_get(*, code: str) -> Language | None:
    """The reference language ``code``, or None."""
    return Language.objects.filter(pk=code).first() if code else None


def country_list(*, user: User) -> QuerySet[Country]:
    """The countries in which ``user`` registers authorities and decides requests to join."""
    codes = policy.network_countries(user)
    countries = Country.objects.all()
    if codes is not None:
        countries = countries.filter(pk__in=codes)
    return countries.order_by("code")


def country_coordinator_list(*, country: Country | str) -> QuerySet[Authority]:
    """The active coordinators of ``country`` (any kind), national first."""
    return (
        Authority.objects.filter(
            country=country, kind__in=Authority.COORDINATOR_KINDS, is_active=True
        )
        .only("pk", "official_name", "kind", "country_id")
        .order_by("kind", "official_name", "pk")
    )


def area_list() -> QuerySet[LegislativeArea]:
    return LegislativeArea.objects.order_by("position", "code")


def join_request_list(*, user: User, status: str | None = None) -> QuerySet[JoinRequest]:
    """The requests to join of the countries ``user`` decides for, newest first; the
    network administrator sees every country's. One query (the country is joined)."""
    codes = policy.network_countries(user)
    requests = JoinRequest.objects.select_related("country")
    if codes is not None:
        requests = requests.filter(country_id__in=codes)
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-pk")


def join_request_get(*, user: User, pk: int) -> JoinRequest | None:
    """One request to join that ``user`` may decide, else None (the page answers 404)."""
    join_request = (
        JoinRequest.objects.select_related("country", "language", "decided_by", "authority")
        .filter(pk=pk)
        .first()
    )
    if join_request is None or not policy.can(
        user, Action.AUTHORITY_REGISTER, join_request.country
    ):
        return None
    return join_request


def join_request_decider_list(*, country: Country) -> list[User]:
    """Who is told of a new request to join of ``country``: the local data administrators of
    its coordinators, or, when it has none, the network administrators (users of no
    authority holding that role)."""
    found: dict[int, User] = {}
    for coordinator in country_coordinator_list(country=country):
        for user in user_selectors.local_data_administrator_list(authority=coordinator):
            found[user.pk] = user
    if not found:
        found = {user.pk: user for user in _network_administrators()}
    return sorted(found.values(), key=lambda user: user.pk)


def _network_administrators() -> Iterable[User]:
    """The active network administrators (their user may belong to no authority)."""
    from openimi.accounts.operators import network_administrator_list

    return [
        user
        for user in network_administrator_list()
        if user.is_active and user.status != User.Status.INACTIVE
    ]


# --- Reference data (the API's reads; the pages read the same rows) -------------------------


def reference_area_list() -> QuerySet[LegislativeArea]:
    """Every legislative area in order, its keywords read ahead in order."""
    from django.db.models import Prefetch

    from openimi.authorities.models import Keyword

    return LegislativeArea.objects.order_by("position", "code").prefetch_related(
        Prefetch("keywords", queryset=Keyword.objects.order_by("position", "code"))
    )


def reference_area_get(*, pk: int) -> LegislativeArea:
    """One area with its keywords; raises ``LegislativeArea.DoesNotExist``."""
    return reference_area_list().get(pk=pk)


def reference_keyword_get(*, pk: int):
    """One keyword; raises ``Keyword.DoesNotExist``."""
    from openimi.authorities.models import Keyword

    return Keyword.objects.get(pk=pk)


def reference_policy_area_list():
    """Every policy area in order."""
    from openimi.authorities.models import PolicyArea

    return PolicyArea.objects.order_by("position", "code")
