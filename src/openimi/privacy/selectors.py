"""Reads of the privacy pages: the personal-data access log and the data-subject search.

The access log of an authority lists every access by **its own users** to the personal data of
requests (``request.personal_data_viewed`` and ``request.attachment_downloaded`` events) and of
alerts (``alert.personal_data_viewed``, ``alert.attachment_downloaded``): each authority
answers for its own staff, and the other authorities' staff are their business. Those accesses
can only have happened while the authority was party to the request or the alert (the policy
lets nobody else see personal data), including requests it forwarded since. Supervisors read
the entries of the areas they supervise, local data administrators all of them.

Requests and alerts are one log, newest first: one ``UNION ALL`` of the two event tables,
counted and paged by the database like any list (the same two queries as requests alone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openimi.access import policy
from openimi.access.policy import Action
from openimi.alerts import events as alert_events
from openimi.alerts.models import AlertEvent
from openimi.exchange import events
from openimi.exchange.models import InformationRequest, RequestEvent
from openimi.privacy.models import ContestMark, PersonalDataCorrection

if TYPE_CHECKING:
    from openimi.accounts.models import User

ACCESS_CODES = (events.PERSONAL_DATA_VIEWED, events.ATTACHMENT_DOWNLOADED)
ALERT_ACCESS_CODES = (alert_events.PERSONAL_DATA_VIEWED, alert_events.ATTACHMENT_DOWNLOADED)
REQUEST, ALERT = "request", "alert"

# Where the personal data was shown ("which part"), by the ``part`` the event carries.
PART_LABELS = {
    "personal_data": gettext_lazy("Personal data"),
    "page:detail": gettext_lazy("Request page: service provider"),
    "page:compose": gettext_lazy("Draft: service provider form"),
    "page:review": gettext_lazy("Draft: check before sending"),
    "report:full": gettext_lazy("Full report (Word or PDF)"),
    "report:consent": gettext_lazy("Consent statement (Word or PDF)"),
    "api:personal_data": gettext_lazy("API: personal data"),
    "privacy:subject": gettext_lazy("Data subject request page"),
    "privacy:correct": gettext_lazy("Correction form"),
    "export:json": gettext_lazy("Export for the data subject (JSON)"),
    "export:csv": gettext_lazy("Export for the data subject (CSV)"),
}


# The same for alerts (``alerts.services.personal_data_view_record``'s ``part``).
ALERT_PART_LABELS = {
    "page": gettext_lazy("Alert page: the person or provider"),
    "report": gettext_lazy("Alert report (Word or PDF)"),
    "api": gettext_lazy("API: personal data of the alert"),
}


def part_label(data: dict, kind: str = REQUEST) -> str:
    """The "which part" of an access event, as the reader reads it."""
    part = data.get("part") or ""
    if kind == ALERT and part in ALERT_PART_LABELS:
        return str(ALERT_PART_LABELS[part])
    if not part and data.get("attachment"):
        part = f"attachment:{data['attachment']}"
    if part.startswith("attachment:"):
        # Translators: %(number)s is the document's identification number in openimi: an
        # identifier, not a count or a position.
        return _("Document %(number)s") % {"number": part.removeprefix("attachment:")}
    return str(PART_LABELS.get(part or "personal_data", part))


@dataclass(frozen=True)
class AccessLogFilters:
    request_number: int | None = None
    alert_number: int | None = None
    user_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


# The columns both halves of the log give, in the same order (the UNION lines them up).
_ACTOR_FIELDS = ("username", "first_name", "last_name", "is_service_account", "anonymised_at")
_ENTRY_COLUMNS = (
    "pk",
    "created_at",
    "data",
    "actor_id",
    *(f"actor__{name}" for name in _ACTOR_FIELDS),
    "kind",
    "object_id",
)


@dataclass(frozen=True)
class AccessLogEntry:
    """One access, to a request's personal data or to an alert's."""

    kind: str
    object_id: int
    created_at: dt.datetime
    actor: User | None
    data: dict

    @property
    def info_request_id(self) -> int | None:
        return self.object_id if self.kind == REQUEST else None

    @property
    def alert_id(self) -> int | None:
        return self.object_id if self.kind == ALERT else None

    @property
    def reference(self) -> str:
        return f"A-{self.object_id}" if self.kind == ALERT else str(self.object_id)

    @property
    def url(self) -> str | None:
        """The page of the request or the alert; none while the alert pages are not there."""
        name = "alerts:detail" if self.kind == ALERT else "exchange:detail"
        try:
            return reverse(name, args=[self.object_id])
        except NoReverseMatch:
            return None

    @property
    def part(self) -> str:
        return part_label(self.data, self.kind)


def access_log_entry_list(*, user: User, filters: AccessLogFilters) -> QuerySet:
    """The access log entries ``user`` may read, newest first (see the module's docstring):
    rows of ``_ENTRY_COLUMNS``; ``access_log_entry_load`` makes entries of a page of them."""
    authority = user.authority
    policy.require(user, Action.PERSONAL_DATA_LOG_VIEW, authority)
    assert authority is not None  # the policy admitted an authority's user
    areas = policy.personal_data_log_areas(user, authority)
    requests = RequestEvent.objects.filter(code__in=ACCESS_CODES, actor_authority_id=authority.pk)
    alerts = AlertEvent.objects.filter(code__in=ALERT_ACCESS_CODES, actor_authority_id=authority.pk)
    if areas is not None:
        requests = requests.filter(info_request__area_id__in=areas)
        alerts = alerts.filter(alert__area_id__in=areas)
    if filters.request_number is not None:
        requests = requests.filter(info_request_id=filters.request_number)
        alerts = alerts.none()
    if filters.alert_number is not None:
        alerts = alerts.filter(alert_id=filters.alert_number)
        requests = requests.none()
    common = Q()
    if filters.user_id is not None:
        common &= Q(actor_id=filters.user_id)
    if filters.date_from is not None:
        common &= Q(created_at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        common &= Q(created_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    halves = [
        events_.filter(common)
        .annotate(kind=Value(kind, output_field=CharField()), object_id=F(parent))
        .values(*_ENTRY_COLUMNS)
        for events_, kind, parent in (
            (requests, REQUEST, "info_request_id"),
            (alerts, ALERT, "alert_id"),
        )
    ]
    return halves[0].union(halves[1], all=True).order_by("-created_at", "-pk")


def access_log_entry_load(rows: list[dict]) -> list[AccessLogEntry]:
    """The entries of a page of ``access_log_entry_list``'s rows; each actor is built from
    the columns the rows carry (what its name needs), not read again."""
    from openimi.accounts.models import User as UserModel

    entries = []
    for row in rows:
        actor = None
        if row["actor_id"] is not None:
            actor = UserModel(
                pk=row["actor_id"], **{name: row[f"actor__{name}"] for name in _ACTOR_FIELDS}
            )
        entries.append(
            AccessLogEntry(
                kind=row["kind"],
                object_id=row["object_id"],
                created_at=row["created_at"],
                actor=actor,
                data=row["data"] or {},
            )
        )
    return entries


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def log_user_list(*, user: User) -> QuerySet:
    """The users of the authority, to filter the log by (inactive ones too: they accessed)."""
    from openimi.accounts.models import User as UserModel

    policy.require(user, Action.PERSONAL_DATA_LOG_VIEW, user.authority)
    assert user.authority_id is not None  # the policy admitted an authority's user
    return UserModel.objects.filter(authority_id=user.authority_id).order_by(
        "last_name", "first_name", "username"
    )


@dataclass(frozen=True)
class SubjectFilters:
    name: str = ""
    registration_number: str = ""
    vat_number: str = ""
    email: str = ""
    date_of_birth: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.name
            or self.registration_number
            or self.vat_number
            or self.email
            or self.date_of_birth
        )


def subject_search(*, user: User, filters: SubjectFilters) -> QuerySet[InformationRequest]:
    """The requests of the user's authority (requesting or responding) whose personal data is
    about the data subject, newest first: the name contains the text, the other criteria match
    exactly; all ignoring case. Requests whose personal data was deleted or blocked are left
    out (it no longer exists). Each row carries ``is_contested``."""
    policy.require(user, Action.DATA_SUBJECT_MANAGE, user.authority)
    requests = policy.data_subject_requests(user).filter(personal_data__isnull=False)
    if filters.is_empty:
        return requests.none()
    condition = Q()
    if filters.name:
        condition &= Q(personal_data__provider_name__icontains=filters.name.strip())
    if filters.registration_number:
        condition &= Q(
            personal_data__registration_number__iexact=filters.registration_number.strip()
        )
    if filters.vat_number:
        condition &= Q(personal_data__vat_number__iexact=filters.vat_number.strip())
    if filters.email:
        condition &= Q(personal_data__email__iexact=filters.email.strip())
    if filters.date_of_birth:
        condition &= Q(personal_data__date_of_birth=filters.date_of_birth)
    return (
        requests.filter(condition)
        .annotate(
            is_contested=Exists(
                ContestMark.objects.filter(info_request=OuterRef("pk"), removed_at__isnull=True)
            )
        )
        .only(
            "pk",
            "status",
            "created_at",
            "sent_at",
            "closed_at",
            "requesting_authority_id",
            "responding_authority_id",
            "is_practice",
        )
        .order_by("-created_at", "-pk")
    )


def subject_request_get(*, user: User, pk: int) -> InformationRequest:
    """One request the user may handle for data subjects (``DoesNotExist`` otherwise)."""
    info_request = (
        policy.data_subject_requests(user)
        .select_related("requesting_authority", "responding_authority", "area")
        .get(pk=pk)
    )
    policy.require(user, Action.DATA_SUBJECT_HANDLE, info_request)
    return info_request


def correction_list(*, user: User, info_request: InformationRequest) -> list:
    policy.require(user, Action.DATA_SUBJECT_HANDLE, info_request)
    return list(
        PersonalDataCorrection.objects.filter(info_request=info_request).select_related(
            "corrected_by", "authority"
        )
    )


def open_contest_mark(*, info_request: InformationRequest) -> ContestMark | None:
    """The mark in force on the request, if any (callers have checked the reader)."""
    return (
        ContestMark.objects.filter(info_request=info_request, removed_at__isnull=True)
        .select_related("authority")
        .first()
    )
