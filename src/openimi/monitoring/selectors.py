"""Timeliness figures: the requests open, waiting and overdue now, and the three indicators the
European Commission publishes for IMI, per month and per legislative area.

Every figure is a database aggregation over the requests the policy lets the user monitor
(``access.monitoring.monitored_requests``), practice requests left out: a page costs the
same few queries for ten requests or a million. The arithmetic works alike on SQLite and
PostgreSQL (``TruncMonth`` in the current time zone, ``Count`` with ``filter``, and a duration
``Sum``).

The definitions (the page repeats them under "How these are computed"):

- A request counts in the month its responding authority received it (``sent_at``, in the
  server's time zone; a forwarded request counts when the last authority received it).
- **Accepted within 7 days**: accepted at most 7 × 24 hours after it was received. The share
  is taken of the requests that were accepted (at any time) plus those still awaiting
  acceptance more than 7 days after they arrived. Requests rejected or withdrawn before being
  accepted, and requests younger than 7 days that are not accepted yet, are left out: they
  were never (or not yet) due to be accepted.
- **Average days to answer**: the mean of (answered − received) in days, one decimal, over
  the requests answered (the latest answer, when a follow-up question was answered again).
- **Answered by the agreed date**: the share of the answered requests whose answer date (in
  the server's time zone) is on or before the reply date in force, which is the requested
  date or the one the responding authority proposed when it accepted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from openimi.access import monitoring as rules
from openimi.common.i18n import sorted_by_name
from openimi.deadlines.selectors import overdue_q
from openimi.exchange.workflow import State

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openimi.accounts.models import User
    from openimi.authorities.models import Country, LegislativeArea
    from openimi.exchange.models import InformationRequest

ACCEPTANCE_DAYS = 7
_ONE_DAY = dt.timedelta(days=1).total_seconds()

# Who the request waits for now (open requests only).
AWAITING_ACCEPTANCE = (State.AWAITING_ACCEPTANCE,)
BEING_ANSWERED = (State.ACCEPTED, State.ANSWER_AWAITING_APPROVAL)
AWAITING_REQUESTER = (State.AWAITING_INFORMATION, State.ANSWERED)
OPEN = AWAITING_ACCEPTANCE + BEING_ANSWERED + AWAITING_REQUESTER


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after ``month``'s (before, when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months, from the month of ``first`` to the month of ``last`` (both included)."""

    first: dt.date
    last: dt.date

    @classmethod
    def last_months(cls, today: dt.date, count: int = 12) -> Period:
        this_month = today.replace(day=1)
        return cls(add_months(this_month, 1 - count), this_month)

    def months(self) -> list[dt.date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The first instant of the period and the first instant after it, in local time."""
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.first, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(add_months(self.last, 1), dt.time.min, tzinfo=zone)
        return start, end


@dataclass
class Figures:
    """The counts behind the three indicators, for one group of requests; groups add up."""

    received: int = 0
    acceptance_base: int = 0
    accepted_in_time: int = 0
    answered: int = 0
    answer_time: dt.timedelta = dt.timedelta(0)
    answered_with_date: int = 0
    answered_by_date: int = 0

    def add(self, other: Figures) -> None:
        self.received += other.received
        self.acceptance_base += other.acceptance_base
        self.accepted_in_time += other.accepted_in_time
        self.answered += other.answered
        self.answer_time += other.answer_time
        self.answered_with_date += other.answered_with_date
        self.answered_by_date += other.answered_by_date

    @property
    def accepted_in_time_percent(self) -> float | None:
        return _percent(self.accepted_in_time, self.acceptance_base)

    @property
    def average_days_to_answer(self) -> float | None:
        if not self.answered:
            return None
        return round(self.answer_time.total_seconds() / _ONE_DAY / self.answered, 1)

    @property
    def answered_by_date_percent(self) -> float | None:
        return _percent(self.answered_by_date, self.answered_with_date)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Row:
    """One month × area (× authority) group, as the CSV lists it."""

    month: dt.date
    area: LegislativeArea
    figures: Figures
    authority_id: int | None = None
    authority_name: str = ""


@dataclass
class Report:
    period: Period
    rows: list[Row]
    months: list[tuple[dt.date, Figures]]
    areas: list[tuple[LegislativeArea, Figures]]
    total: Figures
    by_authority: dict[int, Figures] = field(default_factory=dict)


@dataclass
class Counts:
    """What is open now and whom it waits for; ``overdue`` as ``deadlines`` defines it."""

    open: int = 0
    awaiting_acceptance: int = 0
    being_answered: int = 0
    awaiting_requester: int = 0
    overdue: int = 0


@dataclass
class AuthorityLine:
    """One line of the coordinator's table."""

    authority_id: int
    name: str
    counts: Counts
    figures: Figures


def monitored_request_list(
    *, user: User, side: str, coordinate: bool = False, area_id: int | None = None
) -> QuerySet[InformationRequest]:
    """The requests the user's figures count (the policy's scope), practice requests left out.
    The view has checked ``MONITORING_VIEW`` or ``MONITORING_COORDINATE``."""
    requests = rules.monitored_requests(user, side=side, coordinate=coordinate)
    requests = requests.filter(is_practice=False)
    if area_id is not None:
        requests = requests.filter(area_id=area_id)
    return requests


def _counts_aggregates(today: dt.date) -> dict[str, Count]:
    return {
        "open": Count("pk", filter=Q(status__in=OPEN)),
        "awaiting_acceptance": Count("pk", filter=Q(status__in=AWAITING_ACCEPTANCE)),
        "being_answered": Count("pk", filter=Q(status__in=BEING_ANSWERED)),
        "awaiting_requester": Count("pk", filter=Q(status__in=AWAITING_REQUESTER)),
        "overdue": Count("pk", filter=overdue_q(today)),
    }


def current_counts(
    requests: QuerySet[InformationRequest], *, today: dt.date | None = None
) -> Counts:
    """Open, waiting and overdue requests now (whatever month they arrived): one query."""
    today = today or timezone.localdate()
    return Counts(**requests.aggregate(**_counts_aggregates(today)))


def current_counts_by_authority(
    requests: QuerySet[InformationRequest], *, side: str, today: dt.date | None = None
) -> dict[int, tuple[str, Counts]]:
    """``current_counts`` per authority of ``side`` (id → name, counts): one query."""
    today = today or timezone.localdate()
    side_field = rules.SIDE_FIELDS[side]
    grouped = (
        requests.order_by()
        .values(f"{side_field}_id", f"{side_field}__official_name")
        .annotate(**_counts_aggregates(today))
    )
    result = {}
    for group in grouped:
        authority_id = group.pop(f"{side_field}_id")
        name = group.pop(f"{side_field}__official_name")
        result[authority_id] = (name, Counts(**group))
    return result


def _indicator_aggregates(now: dt.datetime) -> dict[str, Count | Sum]:
    """The counts behind the three indicators (``Figures``), as aggregates of one query."""
    acceptance_window = dt.timedelta(days=ACCEPTANCE_DAYS)
    answered = Q(answered_at__isnull=False)
    return {
        "received": Count("pk"),
        "acceptance_base": Count(
            "pk",
            filter=Q(accepted_at__isnull=False)
            | Q(status=State.AWAITING_ACCEPTANCE, sent_at__lt=now - acceptance_window),
        ),
        "accepted_in_time": Count(
            "pk",
            filter=Q(
                accepted_at__isnull=False,
                accepted_at__lte=F("sent_at") + acceptance_window,
            ),
        ),
        "answered": Count("pk", filter=answered),
        "answer_time": Sum(
            ExpressionWrapper(F("answered_at") - F("sent_at"), output_field=DurationField()),
            filter=answered,
        ),
        "answered_with_date": Count("pk", filter=answered & Q(reply_by__isnull=False)),
        "answered_by_date": Count("pk", filter=answered & Q(answered_at__date__lte=F("reply_by"))),
    }


def indicator_report(
    requests: QuerySet[InformationRequest],
    *,
    period: Period,
    areas: list[LegislativeArea],
    by_authority_side: str | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """The three indicators per month × area (× authority of ``by_authority_side``) in
    ``period``, with their sums per month, per area, per authority and in all: one query.

    ``areas`` names the areas (the page loads them for its filter anyway); a request in an area
    not listed still counts, under its code."""
    now = now or timezone.now()
    start, end = period.bounds()
    keys = ["month", "area_id"]
    if by_authority_side:
        side_field = rules.SIDE_FIELDS[by_authority_side]
        keys += [f"{side_field}_id", f"{side_field}__official_name"]
    grouped = (
        requests.filter(sent_at__gte=start, sent_at__lt=end)
        .annotate(month=TruncMonth("sent_at", output_field=DateField()))
        .order_by()
        .values(*keys)
        .annotate(**_indicator_aggregates(now))
    )
    area_by_id = {area.pk: area for area in areas}
    rows = []
    for group in grouped:
        authority_id = authority_name = None
        if by_authority_side:
            authority_id = group.pop(f"{side_field}_id")
            authority_name = group.pop(f"{side_field}__official_name")
        month, area_id = group.pop("month"), group.pop("area_id")
        group["answer_time"] = group["answer_time"] or dt.timedelta(0)
        area = area_by_id.get(area_id) or _unlisted_area(area_id)
        rows.append(Row(month, area, Figures(**group), authority_id, authority_name or ""))
    return _summarise(period, areas, rows)


def _unlisted_area(area_id: int) -> LegislativeArea:
    from openimi.authorities.models import LegislativeArea

    return LegislativeArea(pk=area_id, code=str(area_id), names={})


def _summarise(period: Period, areas: list[LegislativeArea], rows: list[Row]) -> Report:
    by_month = {month: Figures() for month in period.months()}
    by_area: dict[int, Figures] = {}
    by_authority: dict[int, Figures] = {}
    total = Figures()
    position = {area.pk: index for index, area in enumerate(areas)}
    area_objects = {area.pk: area for area in areas}
    for row in rows:
        by_month.setdefault(row.month, Figures()).add(row.figures)
        by_area.setdefault(row.area.pk, Figures()).add(row.figures)
        area_objects.setdefault(row.area.pk, row.area)
        if row.authority_id is not None:
            by_authority.setdefault(row.authority_id, Figures()).add(row.figures)
        total.add(row.figures)
    rows.sort(key=lambda r: (r.month, position.get(r.area.pk, len(position)), r.authority_name))
    return Report(
        period=period,
        rows=rows,
        months=sorted(by_month.items()),
        areas=[
            (area_objects[area_id], figures)
            for area_id, figures in sorted(
                by_area.items(), key=lambda item: position.get(item[0], len(position))
            )
        ],
        total=total,
        by_authority=by_authority,
    )


def authority_lines(report: Report, counts: dict[int, tuple[str, Counts]]) -> list[AuthorityLine]:
    """The coordinator's table: every authority with an open request or a request in the
    period, the most overdue first (then the most open, then by name)."""
    names = {row.authority_id: row.authority_name for row in report.rows if row.authority_id}
    lines = []
    for authority_id in set(counts) | set(report.by_authority):
        name, current = counts.get(authority_id, (names.get(authority_id, ""), Counts()))
        figures = report.by_authority.get(authority_id, Figures())
        lines.append(AuthorityLine(authority_id, name, current, figures))
    lines.sort(key=lambda line: (-line.counts.overdue, -line.counts.open, line.name))
    return lines


def monitoring_area_list(*, user: User) -> list[LegislativeArea]:
    """The legislative areas whose figures the user sees (one query)."""
    from openimi.authorities.models import LegislativeArea

    area_ids = rules.monitored_area_ids(user)
    areas = LegislativeArea.objects.all()
    if area_ids is not None:
        areas = areas.filter(pk__in=area_ids)
    return list(areas)


# --- The network's figures (issue 19): per country and legislative area ----------------------


@dataclass
class CountryFigures:
    """One country's table: a row per legislative area with requests, and the country's sum."""

    country: Country
    areas: list[tuple[LegislativeArea, Figures]]
    total: Figures


@dataclass
class NetworkReport:
    period: Period
    countries: list[CountryFigures]
    areas: list[tuple[LegislativeArea, Figures]]
    total: Figures


def network_request_list(
    *, user: User, side: str, area_id: int | None = None
) -> QuerySet[InformationRequest]:
    """The requests the network's figures count for ``user`` (the countries the policy lets it
    watch), practice requests left out. The view has checked ``NETWORK_MONITORING_VIEW``."""
    requests = rules.network_requests(user, side=side).filter(is_practice=False)
    if area_id is not None:
        requests = requests.filter(area_id=area_id)
    return requests


def network_country_list(*, user: User) -> list[Country]:
    """The countries whose figures ``user`` watches, by name in the reader's language (one
    query)."""
    from openimi.access import policy
    from openimi.authorities.models import Country

    codes = policy.network_countries(user)
    countries = Country.objects.all()
    if codes is not None:
        countries = countries.filter(code__in=codes)
    return sorted_by_name(countries, lambda country: country.name)


def network_report(
    requests: QuerySet[InformationRequest],
    *,
    side: str,
    period: Period,
    countries: list[Country],
    areas: list[LegislativeArea],
    now: dt.datetime | None = None,
) -> NetworkReport:
    """The three indicators per country (of the authorities on ``side``) × legislative area
    in ``period``, with each country's sum, the sum per area and in all: one query, whatever
    the number of authorities and requests. Every country of ``countries`` has its table,
    empty when nothing was received (or sent) there."""
    now = now or timezone.now()
    start, end = period.bounds()
    country_field = f"{rules.SIDE_FIELDS[side]}__country_id"
    grouped = (
        requests.filter(sent_at__gte=start, sent_at__lt=end)
        .order_by()
        .values(country_field, "area_id")
        .annotate(**_indicator_aggregates(now))
    )
    position = {area.pk: index for index, area in enumerate(areas)}
    area_objects = {area.pk: area for area in areas}
    per_country: dict[str, dict[int, Figures]] = {country.pk: {} for country in countries}
    by_area: dict[int, Figures] = {}
    total = Figures()
    for group in grouped:
        code, area_id = group.pop(country_field), group.pop("area_id")
        group["answer_time"] = group["answer_time"] or dt.timedelta(0)
        figures = Figures(**group)
        if code not in per_country:
            continue  # a country outside the list (the caller's scope): not shown
        area_objects.setdefault(area_id, _unlisted_area(area_id))
        per_country[code].setdefault(area_id, Figures()).add(figures)
        by_area.setdefault(area_id, Figures()).add(figures)
        total.add(figures)

    def ordered(figures_by_area: dict[int, Figures]) -> list[tuple[LegislativeArea, Figures]]:
        return [
            (area_objects[area_id], figures)
            for area_id, figures in sorted(
                figures_by_area.items(), key=lambda item: position.get(item[0], len(position))
            )
        ]

    tables = []
    for country in countries:
        country_total = Figures()
        for figures in per_country[country.pk].values():
            country_total.add(figures)
        tables.append(CountryFigures(country, ordered(per_country[country.pk]), country_total))
    return NetworkReport(period=period, countries=tables, areas=ordered(by_area), total=total)


def network_area_list() -> list[LegislativeArea]:
    """Every legislative area, in their order (one query): the network's figures have them
    all."""
    from openimi.authorities.models import LegislativeArea

    return list(LegislativeArea.objects.all())
