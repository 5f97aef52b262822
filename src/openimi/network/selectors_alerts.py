"""Reads for the "Alert coordinators" page (issue 22): which authority coordinates alerts of
each alert area in each country, and which authorities may be chosen instead."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from openimi.alerts.models import AlertCoordinator
from openimi.alerts.types import KINDS
from openimi.authorities.models import Authority, Country, LegislativeArea
from openimi.common.i18n import sorted_by_name


@dataclass
class AlertCoordinatorRow:
    country: Country
    area: LegislativeArea
    coordinator: AlertCoordinator | None


def alert_area_list() -> list[LegislativeArea]:
    """The legislative areas some kind of alert belongs to (services, professional
    qualifications), in the network's order."""
    codes = {kind.area_code for kind in KINDS.values()}
    return list(LegislativeArea.objects.filter(code__in=codes))


def alert_coordinator_list(*, country_codes: list[str] | None) -> list[AlertCoordinatorRow]:
    """One row per country (of ``country_codes``; ``None``: all) and alert area with its
    registered alert coordinator or ``None``; countries sorted by name in the reader's
    language. Three queries, whatever the number of countries."""
    countries = Country.objects.all()
    registered = AlertCoordinator.objects.select_related("authority")
    if country_codes is not None:
        countries = countries.filter(pk__in=country_codes)
        registered = registered.filter(country_id__in=country_codes)
    areas = alert_area_list()
    by_key = {(found.country_id, found.area_id): found for found in registered}
    return [
        AlertCoordinatorRow(country, area, by_key.get((country.pk, area.pk)))
        for country in sorted_by_name(countries, lambda country: country.name)
        for area in areas
    ]


def alert_coordinator_get(*, country: Country, area: LegislativeArea) -> AlertCoordinator | None:
    return (
        AlertCoordinator.objects.filter(country=country, area=area)
        .select_related("authority")
        .first()
    )


def alert_coordinator_candidate_list(*, country: Country) -> QuerySet[Authority]:
    """The authorities that may coordinate alerts in ``country``: its active coordinators
    (national, services, delegated), as ``alerts.services.alert_coordinator_set`` requires."""
    return Authority.objects.filter(
        country=country, is_active=True, kind__in=Authority.COORDINATOR_KINDS
    ).order_by("official_name")
