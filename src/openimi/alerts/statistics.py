"""The alerts' figures for monitoring (issue 22, item 4): how the three-day rule of Article 56a
is kept, per sending country or authority, and how the recipient countries pass alerts on.

Each function is one aggregation query, whatever the number of alerts, authorities and
countries; the caller has checked who may see the figures (``NETWORK_MONITORING_VIEW`` or
``MONITORING_VIEW``) and passes the scope the policy gave it. Counts only: nobody sees an
alert, still less the person it is about, through them.

The definitions (the pages repeat them under "How these are computed"):

- **Sent**: alerts of a kind with the three-day rule (``types.Kind.three_day_rule``) sent in
  the period (``sent_at``, the coordinator's validation). **Within three days** when the day
  it was sent (in the server's time zone) is on or before its deadline (``deadlines``), else
  **late**.
- **Overdue, not sent**: alerts of those kinds that are drafts or await their coordinator's
  validation now and whose deadline has passed, whatever the period: they are late today.
- **Restriction ended, still open**: alerts of every kind that are out in the other countries
  (sent, or closure proposed) now and whose restriction end date is before today: their
  sender should close them.
- **Received** (per recipient country): the alerts that reached the country's alert
  coordinator in the period; **distributed**, those it has passed to at least one authority.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, DateField, F, Q
from django.db.models.functions import Cast
from django.utils import timezone

from openimi.alerts.models import Alert, AlertRecipient
from openimi.alerts.types import KINDS
from openimi.alerts.workflow import BEFORE_SENDING, LIVE_STATES, RecipientState

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openimi.authorities.models import Authority, Country

# The kinds the sending deadline applies to.
DEADLINE_TYPES = sorted(kind.type for kind in KINDS.values() if kind.three_day_rule)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class SendingFigures:
    """The three-day rule for one group of senders; groups add up."""

    sent: int = 0
    sent_in_time: int = 0
    sent_late: int = 0
    overdue: int = 0
    restriction_ended: int = 0

    def add(self, other: SendingFigures) -> None:
        self.sent += other.sent
        self.sent_in_time += other.sent_in_time
        self.sent_late += other.sent_late
        self.overdue += other.overdue
        self.restriction_ended += other.restriction_ended

    @property
    def sent_in_time_percent(self) -> float | None:
        return _percent(self.sent_in_time, self.sent)

    @property
    def empty(self) -> bool:
        return not (self.sent or self.overdue or self.restriction_ended)


@dataclass
class ReceivingFigures:
    """What one recipient country did with the alerts it received; groups add up."""

    received: int = 0
    distributed: int = 0

    def add(self, other: ReceivingFigures) -> None:
        self.received += other.received
        self.distributed += other.distributed

    @property
    def not_distributed(self) -> int:
        return self.received - self.distributed

    @property
    def distributed_percent(self) -> float | None:
        return _percent(self.distributed, self.received)


@dataclass
class CountryAlerts:
    country: Country
    sending: SendingFigures
    receiving: ReceivingFigures


@dataclass
class AuthorityAlerts:
    authority_id: int
    name: str
    country_id: str
    sending: SendingFigures


@dataclass
class NetworkAlertReport:
    countries: list[CountryAlerts]
    sending: SendingFigures = field(default_factory=SendingFigures)
    receiving: ReceivingFigures = field(default_factory=ReceivingFigures)


def _sending_aggregates(start: dt.datetime, end: dt.datetime, today: dt.date) -> dict[str, Count]:
    days = dt.timedelta(days=settings.ALERT_SENDING_DEADLINE_DAYS)
    # The deadline as SQL: the decision date plus the days allowed (``deadlines``), compared
    # with the day the alert was sent in the current time zone, as ``deadlines.sent_late``.
    deadline = Cast(F("decision_date") + days, output_field=DateField())
    ruled = Q(alert_type__in=DEADLINE_TYPES)
    sent = ruled & Q(sent_at__gte=start, sent_at__lt=end, decision_date__isnull=False)
    return {
        "sent": Count("pk", filter=sent),
        "sent_in_time": Count("pk", filter=sent & Q(sent_at__date__lte=deadline)),
        "sent_late": Count("pk", filter=sent & Q(sent_at__date__gt=deadline)),
        # today > decision date + days, as ``deadlines.overdue``.
        "overdue": Count(
            "pk",
            filter=ruled & Q(status__in=sorted(BEFORE_SENDING), decision_date__lt=today - days),
        ),
        "restriction_ended": Count(
            "pk", filter=Q(status__in=sorted(LIVE_STATES), restriction_end__lt=today)
        ),
    }


def _scoped_alerts(
    countries: list[str] | None, area_ids: list[int] | None = None
) -> QuerySet[Alert]:
    alerts = Alert.objects.all()
    if countries is not None:
        alerts = alerts.filter(sending_authority__country_id__in=countries)
    if area_ids is not None:
        alerts = alerts.filter(area_id__in=area_ids)
    return alerts.order_by()


def sending_figures_by_country(
    *,
    countries: list[str] | None,
    start: dt.datetime,
    end: dt.datetime,
    today: dt.date | None = None,
    area_ids: list[int] | None = None,
) -> dict[str, SendingFigures]:
    """``SendingFigures`` per sending country (code → figures) among ``countries`` (None:
    every country): one query. Countries with nothing to count are left out."""
    today = today or timezone.localdate()
    grouped = (
        _scoped_alerts(countries, area_ids)
        .values("sending_authority__country_id")
        .annotate(**_sending_aggregates(start, end, today))
    )
    return {
        group.pop("sending_authority__country_id"): SendingFigures(**group) for group in grouped
    }


def sending_figures_by_authority(
    *,
    countries: list[str] | None,
    start: dt.datetime,
    end: dt.datetime,
    today: dt.date | None = None,
    area_ids: list[int] | None = None,
) -> list[AuthorityAlerts]:
    """``SendingFigures`` per sending authority of ``countries`` (None: every country), the
    most overdue first, then the most late, then by name: one query. Authorities with nothing
    to count are left out."""
    today = today or timezone.localdate()
    keys = (
        "sending_authority_id",
        "sending_authority__official_name",
        "sending_authority__country_id",
    )
    grouped = (
        _scoped_alerts(countries, area_ids)
        .values(*keys)
        .annotate(**_sending_aggregates(start, end, today))
    )
    lines = []
    for group in grouped:
        authority_id, name, country_id = (group.pop(key) for key in keys)
        figures = SendingFigures(**group)
        if not figures.empty:
            lines.append(AuthorityAlerts(authority_id, name, country_id, figures))
    lines.sort(key=lambda line: (-line.sending.overdue, -line.sending.sent_late, line.name))
    return lines


def authority_sending_figures(
    *,
    authority: Authority,
    start: dt.datetime,
    end: dt.datetime,
    today: dt.date | None = None,
    area_ids: list[int] | None = None,
) -> SendingFigures:
    """``SendingFigures`` of the alerts ``authority`` sent (and is writing), in ``area_ids``
    (None: every area): one query."""
    today = today or timezone.localdate()
    alerts = _scoped_alerts(None, area_ids).filter(sending_authority=authority)
    return SendingFigures(**alerts.aggregate(**_sending_aggregates(start, end, today)))


def receiving_figures_by_country(
    *, countries: list[str] | None, start: dt.datetime, end: dt.datetime
) -> dict[str, ReceivingFigures]:
    """``ReceivingFigures`` per recipient country (code → figures) among ``countries`` (None:
    every country): one query."""
    recipients = AlertRecipient.objects.filter(received_at__gte=start, received_at__lt=end)
    if countries is not None:
        recipients = recipients.filter(country_id__in=countries)
    grouped = (
        recipients.order_by()
        .values("country_id")
        .annotate(
            received=Count("pk"),
            distributed=Count("pk", filter=Q(status=RecipientState.DISTRIBUTED)),
        )
    )
    return {group.pop("country_id"): ReceivingFigures(**group) for group in grouped}


def network_alert_report(
    *,
    countries: list[Country],
    every_country: bool,
    start: dt.datetime,
    end: dt.datetime,
    today: dt.date | None = None,
) -> NetworkAlertReport:
    """Sending and receiving figures for each country of ``countries`` (each has its line,
    zeros when nothing happened there), and their sums: two queries. ``every_country`` lets
    the queries skip the country filter (the network administrator's view)."""
    codes = None if every_country else [country.pk for country in countries]
    sending = sending_figures_by_country(countries=codes, start=start, end=end, today=today)
    receiving = receiving_figures_by_country(countries=codes, start=start, end=end)
    report = NetworkAlertReport(countries=[])
    for country in countries:
        line = CountryAlerts(
            country,
            sending.get(country.pk, SendingFigures()),
            receiving.get(country.pk, ReceivingFigures()),
        )
        report.countries.append(line)
        report.sending.add(line.sending)
        report.receiving.add(line.receiving)
    return report


def deadline_days() -> int:
    """The days Article 56a allows (``ALERT_SENDING_DEADLINE_DAYS``), for the pages' texts."""
    return settings.ALERT_SENDING_DEADLINE_DAYS
