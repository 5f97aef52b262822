"""Reads for the coordinator's part in an authority's life (``network.views.lifecycle``).

The list is O(page): one query for a page and its total, one for the countries, whatever the
number of authorities.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from openimi.access import policy
from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from openimi.authorities.selectors import authority_name_search
from openimi.network.models import AuthorityEvent

if TYPE_CHECKING:
    from openimi.accounts.models import User


def coordinated_authority_list(
    *, user: User, text: str = "", country: str = ""
) -> QuerySet[Authority]:
    """The authorities ``user`` coordinates, active or not: every one for the network
    administrator (``country`` narrows it), those of the country for its national coordinator,
    those it supervises in some area for a delegated coordinator; never the own authority.
    ``text``: words of the name, as the directory searches them."""
    qs = Authority.objects.filter(policy.coordinated_authorities(user))
    if country:
        qs = qs.filter(country_id=country)
    if text.strip():
        qs = qs & authority_name_search(text=text.strip())
    return qs.prefetch_related("country").order_by("country_id", "official_name", "pk")


def lifecycle_authority_get(*, pk: int) -> Authority:
    """One authority with its country, the authority it was merged into and its areas with
    their supervising coordinators."""
    return (
        Authority.objects.select_related("country", "merged_into")
        .prefetch_related(
            Prefetch(
                "preferences",
                queryset=AreaPreferences.objects.select_related("area", "supervising_coordinator"),
            )
        )
        .get(pk=pk)
    )


def authority_event_list(*, authority: Authority) -> QuerySet[AuthorityEvent]:
    """The authority's history, newest first."""
    return AuthorityEvent.objects.filter(authority=authority).select_related("actor")


def supervising_coordinator_list(*, authority: Authority) -> QuerySet[Authority]:
    """The coordinators that may supervise ``authority`` in an area: the active coordinators
    of its country."""
    return (
        Authority.objects.filter(
            country_id=authority.country_id,
            kind__in=Authority.COORDINATOR_KINDS,
            is_active=True,
        )
        .exclude(pk=authority.pk)
        .order_by("official_name", "pk")
    )


def missing_area_list(*, authority: Authority) -> QuerySet[LegislativeArea]:
    """The legislative areas the authority does not work in yet."""
    return LegislativeArea.objects.exclude(
        Exists(AreaPreferences.objects.filter(authority=authority, area=OuterRef("pk")))
    )


def successor_list(*, authority: Authority) -> QuerySet[Authority]:
    """Where the authority's requests (or the authority itself) may go: the other active
    authorities of its country."""
    return (
        Authority.objects.filter(country_id=authority.country_id, is_active=True)
        .exclude(Q(pk=authority.pk))
        .order_by("official_name", "pk")
    )
