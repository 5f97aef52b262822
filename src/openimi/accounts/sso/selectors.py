"""Reads of single sign-on: a user's links, and the providers offered to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openimi.accounts.models import SsoLink
from openimi.accounts.sso.providers import Provider, provider_get, providers

if TYPE_CHECKING:
    from openimi.accounts.models import User


def sso_provider_list(*, user: User) -> list[Provider]:
    """The providers offered to users of ``user``'s authority (all, or those of its country)."""
    country = user.authority.country_id if user.authority else None
    return [p for p in providers() if p.serves_country(country)]


def sso_link_list(*, user: User) -> list[dict]:
    """The user's links with the provider's name in the active language (one query)."""
    if not providers():  # single sign-on is off: nothing of it shows, no query
        return []
    rows = []
    for link in SsoLink.objects.filter(user=user).order_by("provider"):
        provider = provider_get(link.provider)
        rows.append({"link": link, "provider_name": provider.name if provider else link.provider})
    return rows
