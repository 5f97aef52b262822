"""Data-subject requests (GDPR, IMI Regulation Art. 19): read, export, correct, mark contested.

Who: the local data administrators of an authority that is party to the request
(``Action.DATA_SUBJECT_HANDLE``); correcting only those of the requesting authority, which
entered the data (``Action.DATA_SUBJECT_CORRECT``). Never once the personal data was deleted
or blocked: then there is nothing left to read or correct.

Every read of personal data here is recorded like any other (``request.personal_data_viewed``,
audience audit, ``data = {"part": ...}``), so it appears in the personal-data access log.
Corrections and marks write a request event for both authorities' timelines (field names and
ids only) and tell the other authority through the outbox, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import events
from openimi.exchange.models import InformationRequest, PersonalData
from openimi.privacy.models import ContestMark, PersonalDataCorrection

if TYPE_CHECKING:
    from openimi.accounts.models import User

Audience = events.Audience

PART_SUBJECT_PAGE = "privacy:subject"
PART_CORRECTION_FORM = "privacy:correct"
PART_EXPORT = "export:{format}"


class PersonalDataGoneError(ApplicationError):
    """The personal data was deleted or blocked by the retention job (or never given)."""

    def __init__(self) -> None:
        super().__init__(
            _("This request has no personal data any more: it was deleted or blocked.")
        )


def _lock(info_request: InformationRequest | int) -> InformationRequest:
    pk = info_request if isinstance(info_request, int) else info_request.pk
    try:
        return InformationRequest.objects.select_for_update().get(pk=pk)
    except InformationRequest.DoesNotExist:
        raise PermissionDenied(_("You may not do this.")) from None


def _personal_data(info_request: InformationRequest) -> PersonalData:
    personal_data = (
        PersonalData.objects.select_related("country").filter(info_request=info_request).first()
    )
    if personal_data is None:
        raise PersonalDataGoneError
    return personal_data


def subject_personal_data_read(
    *, info_request: InformationRequest, actor: User, part: str = PART_SUBJECT_PAGE
) -> PersonalData | None:
    """The request's personal data for a local data administrator handling a data subject's
    request (``None`` when it is gone); the read is recorded."""
    with transaction.atomic():
        info_request = _lock(info_request)
        policy.require(actor, Action.DATA_SUBJECT_HANDLE, info_request)
        personal_data = (
            PersonalData.objects.select_related("country").filter(info_request=info_request).first()
        )
        if personal_data is not None:
            events.record_personal_data_viewed(info_request, actor, part)
    return personal_data


def subject_export(
    *, actor: User, request_ids: Iterable[int], export_format: str
) -> list[dict[str, Any]]:
    """The personal data of the chosen requests (those the actor may handle and that still hold
    personal data), one entry per request, for the data subject; each read is recorded."""
    if export_format not in ("json", "csv"):
        raise ApplicationError(_("Choose JSON or CSV."))
    policy.require(actor, Action.DATA_SUBJECT_MANAGE, actor.authority)
    ids = sorted({int(pk) for pk in request_ids})
    if not ids:
        raise ApplicationError(_("Choose at least one request."), field="request")
    with transaction.atomic():
        chosen = list(
            policy.data_subject_requests(actor)
            .filter(pk__in=ids, personal_data__isnull=False)
            .select_related(
                "personal_data__country",
                "requesting_authority",
                "responding_authority",
                "area",
            )
            .order_by("pk")
        )
        if not chosen:
            raise ApplicationError(_("None of these requests holds personal data."))
        corrections: dict[int, list[PersonalDataCorrection]] = {}
        for correction in PersonalDataCorrection.objects.filter(info_request__in=chosen).order_by(
            "corrected_at", "pk"
        ):
            corrections.setdefault(correction.info_request_id, []).append(correction)
        contested = set(
            ContestMark.objects.filter(
                info_request__in=chosen, removed_at__isnull=True
            ).values_list("info_request_id", flat=True)
        )
        entries = []
        for info_request in chosen:
            entries.append(
                _export_entry(
                    info_request,
                    corrections.get(info_request.pk, []),
                    info_request.pk in contested,
                )
            )
            events.record(
                info_request,
                actor,
                events.PERSONAL_DATA_VIEWED,
                data={"part": PART_EXPORT.format(format=export_format)},
                audience=Audience.AUDIT,
            )
    return entries


def _export_entry(
    info_request: InformationRequest,
    corrections: list[PersonalDataCorrection],
    contested: bool,
) -> dict[str, Any]:
    personal_data = info_request.personal_data
    values = {}
    for name in PersonalData.data_fields():
        value = getattr(personal_data, name)
        if name == "country":
            value = value.code if value else ""
        elif isinstance(value, dt.date):
            value = value.isoformat()
        values[name] = value if value is not None else ""
    responding = info_request.responding_authority
    return {
        "request": info_request.reference,
        "requesting_authority": info_request.requesting_authority.official_name,
        "responding_authority": responding.official_name if responding else "",
        "legislative_area": info_request.area.code,
        "sent_at": info_request.sent_at.isoformat() if info_request.sent_at else "",
        "closed_at": info_request.closed_at.isoformat() if info_request.closed_at else "",
        "personal_data": values,
        "corrections": [
            {"corrected_at": c.corrected_at.isoformat(), "fields": list(c.fields)}
            for c in corrections
        ],
        "contested": contested,
    }


def personal_data_correct(
    *,
    info_request: InformationRequest,
    actor: User,
    data: Mapping[str, Any],
    reason: str,
) -> PersonalDataCorrection:
    """Correct the request's personal data at the data subject's request.

    The correction keeps who, when, which fields and why; the values before are kept in the
    correction only (they are personal data: the retention job clears them with the rest).
    The event names the fields, never their values; the other authority is told.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the data is corrected."), field="reason")
    allowed = set(PersonalData.data_fields())
    unknown = set(data) - allowed
    if unknown:
        raise ApplicationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        info_request = _lock(info_request)
        policy.require(actor, Action.DATA_SUBJECT_HANDLE, info_request)
        policy.require(actor, Action.DATA_SUBJECT_CORRECT, info_request)
        personal_data = _personal_data(info_request)
        old: dict[str, Any] = {}
        for name, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            before = getattr(personal_data, name)
            if before != value:
                old[name] = _plain(before)
                setattr(personal_data, name, value)
        if not old:
            raise ApplicationError(_("Nothing was changed."))
        try:
            personal_data.full_clean(exclude=["info_request"])
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise ApplicationError(" ".join(messages), field=field) from error
        personal_data.save(update_fields=[*old, "updated_at"])
        fields = sorted(old)
        assert actor.authority_id is not None  # the policy admitted an authority's user
        correction = PersonalDataCorrection.objects.create(
            info_request=info_request,
            authority_id=actor.authority_id,
            corrected_by=actor,
            corrected_at=timezone.now(),
            fields=fields,
            old_values=old,
            reason=reason,
        )
        event = events.record(
            info_request,
            actor,
            events.PERSONAL_DATA_CORRECTED,
            data={"correction": correction.pk, "fields": fields},
        )
        events.publish(event)
    return correction


def personal_data_contest(
    *, info_request: InformationRequest, actor: User, reason: str
) -> ContestMark:
    """Mark the request's personal data as contested by the data subject (a warning on the
    request for both authorities until it is removed)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say what the data subject contests."), field="reason")
    with transaction.atomic():
        info_request = _lock(info_request)
        policy.require(actor, Action.DATA_SUBJECT_HANDLE, info_request)
        _personal_data(info_request)
        if ContestMark.objects.filter(info_request=info_request, removed_at__isnull=True).exists():
            raise ApplicationError(_("The personal data of this request is already contested."))
        assert actor.authority_id is not None  # the policy admitted an authority's user
        mark = ContestMark.objects.create(
            info_request=info_request,
            authority_id=actor.authority_id,
            marked_by=actor,
            marked_at=timezone.now(),
            reason=reason,
        )
        event = events.record(
            info_request, actor, events.PERSONAL_DATA_CONTESTED, data={"contest_mark": mark.pk}
        )
        events.publish(event)
    return mark


def personal_data_contest_remove(*, info_request: InformationRequest, actor: User) -> ContestMark:
    """Remove the contest mark (the dispute is settled); the removal is recorded."""
    with transaction.atomic():
        info_request = _lock(info_request)
        policy.require(actor, Action.DATA_SUBJECT_HANDLE, info_request)
        _personal_data(info_request)
        mark = (
            ContestMark.objects.select_for_update()
            .filter(info_request=info_request, removed_at__isnull=True)
            .first()
        )
        if mark is None:
            raise ApplicationError(_("The personal data of this request is not contested."))
        mark.removed_at = timezone.now()
        mark.removed_by = actor
        mark.save(update_fields=["removed_at", "removed_by"])
        event = events.record(
            info_request, actor, events.CONTEST_REMOVED, data={"contest_mark": mark.pk}
        )
        events.publish(event)
    return mark


def _plain(value: Any) -> Any:
    """A value as JSON keeps it (a country by its primary key, a date as ISO text)."""
    if hasattr(value, "pk"):
        return value.pk
    return json.loads(json.dumps(value, default=str))
