"""Writing an alert: create and save the draft, attach documents, submit it for validation,
delete it. The sender's request handlers for the area (``Action.ALERT_EDIT_DRAFT``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.alerts import events
from openimi.alerts.models import (
    Alert,
    AlertAttachment,
    AlertCoordinator,
    AlertEvent,
    AlertPersonalData,
)
from openimi.alerts.services._base import IncompleteError, begin, finish, language_of, plain
from openimi.alerts.types import AlertType, kind_of
from openimi.alerts.workflow import Transition
from openimi.authorities.models import Country, LegislativeArea
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange.files import check_upload

if TYPE_CHECKING:
    from openimi.accounts.models import User

audit = logging.getLogger("openimi.audit")
Audience = AlertEvent.Audience

# The alert's own fields a draft may set, and the personal-data ones.
TEXT_FIELDS = (
    "activity",
    "qualification",
    "deciding_authority",
    "restriction_scope",
    "description",
    "measures",
)
DATE_FIELDS = ("decision_date", "restriction_start", "restriction_end")
ALERT_FIELDS = (*TEXT_FIELDS, *DATE_FIELDS)
PERSONAL_FIELDS = (
    "full_name",
    "date_of_birth",
    "place_of_birth",
    "nationality",
    "identifier",
    "address",
)


def alert_create_draft(
    *,
    actor: User,
    alert_type: str,
    fields: Mapping[str, Any] | None = None,
    personal: Mapping[str, Any] | None = None,
    countries: Sequence[str] | None = None,
    language: str = "",
) -> Alert:
    """A new draft alert of ``alert_type`` from the actor's authority."""
    try:
        kind = kind_of(alert_type)
    except ValueError:
        raise ApplicationError(_("Choose the kind of alert."), field="alert_type") from None
    area = LegislativeArea.objects.filter(code=kind.area_code).first()
    if area is None or not policy.can(actor, Action.ALERT_CREATE, area):
        raise PermissionDenied(_("You may not do this."))
    with transaction.atomic():
        assert actor.authority is not None  # ALERT_CREATE says so
        alert = Alert.objects.create(
            alert_type=kind.type,
            area=area,
            sending_authority=actor.authority,
            author=actor,
            language=(language or actor.language or "en").lower(),
        )
        AlertPersonalData.objects.create(alert=alert)
        finish(
            alert=alert,
            actor=actor,
            code=events.CREATED,
            from_status="",
            fields=[],
            audience=Audience.SENDER,
        )
        if fields or personal or countries:
            _apply(alert, actor, fields or {}, personal or {}, countries, language)
    return alert


def alert_save_draft(
    *,
    alert: Alert,
    actor: User,
    fields: Mapping[str, Any] | None = None,
    personal: Mapping[str, Any] | None = None,
    countries: Sequence[str] | None = None,
    language: str = "",
) -> Alert:
    """Save the draft's fields (only those given); nothing is written when one is wrong."""
    with transaction.atomic():
        locked, _current, _target = begin(
            alert=alert,
            actor=actor,
            transition=Transition.EDIT_DRAFT,
            action=Action.ALERT_EDIT_DRAFT,
        )
        _apply(locked, actor, fields or {}, personal or {}, countries, language)
    return locked


def _apply(
    alert: Alert,
    actor: User,
    fields: Mapping[str, Any],
    personal: Mapping[str, Any],
    countries: Sequence[str] | None,
    language: str,
) -> None:
    unknown = (set(fields) - set(ALERT_FIELDS)) | {
        f"personal.{k}" for k in set(personal) - set(PERSONAL_FIELDS)
    }
    if unknown:
        raise ApplicationError(_("This field is not part of an alert."), field=sorted(unknown)[0])
    changed: list[str] = []
    for name, value in fields.items():
        value = _clean(Alert, name, value)
        if getattr(alert, name) != value:
            setattr(alert, name, value)
            changed.append(name)
    texts = " ".join(str(getattr(alert, name)) for name in TEXT_FIELDS)
    if language or texts.strip():
        new_language = language_of(texts, language or alert.language, actor, field="language")
        if new_language and new_language != alert.language:
            alert.language = new_language
            changed.append("language")
    _check_dates(alert)
    personal_data = alert.personal_data
    personal_changed = []
    for name, value in personal.items():
        value = _clean(AlertPersonalData, name, value)
        if getattr(personal_data, name) != value:
            setattr(personal_data, name, value)
            personal_changed.append(name)
    if personal_data.date_of_birth and personal_data.date_of_birth > timezone.localdate():
        raise ApplicationError(
            _("The date of birth cannot be in the future."), field="personal.date_of_birth"
        )
    countries_changed = False
    if countries is not None:
        countries_changed = _set_countries(alert, countries)
    if not (changed or personal_changed or countries_changed):
        return
    if personal_changed:
        personal_data.save(update_fields=[*personal_changed, "updated_at"])
    finish(
        alert=alert,
        actor=actor,
        code=events.DRAFT_UPDATED,
        from_status=alert.status,
        fields=changed,
        data={
            "fields": sorted(changed)
            + [f"personal.{name}" for name in sorted(personal_changed)]
            + (["countries"] if countries_changed else [])
        },
        audience=Audience.SENDER,
    )


def _clean(model: Any, name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    if name.endswith("date") or name in DATE_FIELDS or name == "date_of_birth":
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ApplicationError(
                _("Enter a date as day, month and year."), field=_field_name(model, name)
            ) from None
    text = plain("" if value is None else str(value))
    if field.max_length and len(text) > field.max_length:
        raise ApplicationError(
            _("Ensure this value has at most %(limit)d characters (it has %(length)d).")
            % {"limit": field.max_length, "length": len(text)},
            field=_field_name(model, name),
        )
    return text


def _field_name(model: Any, name: str) -> str:
    return f"personal.{name}" if model is AlertPersonalData else name


def _check_dates(alert: Alert) -> None:
    today = timezone.localdate()
    if alert.decision_date and alert.decision_date > today:
        raise ApplicationError(
            _("The date of the decision cannot be in the future."), field="decision_date"
        )
    if (
        alert.restriction_start
        and alert.restriction_end
        and alert.restriction_end < alert.restriction_start
    ):
        raise ApplicationError(
            _("The restriction cannot end before it starts."), field="restriction_end"
        )


def _set_countries(alert: Alert, codes: Sequence[str]) -> bool:
    """The countries a services alert warns (PQ alerts warn every other country)."""
    wanted = {str(code).upper() for code in codes if str(code).strip()}
    if kind_of(alert.alert_type).to_every_country:
        wanted = set()
    own = alert.sending_authority.country_id
    if own in wanted:
        raise ApplicationError(
            _("An alert warns other countries: leave out your own."), field="countries"
        )
    found = set(Country.objects.filter(code__in=wanted).values_list("code", flat=True))
    if found != wanted:
        raise ApplicationError(_("Choose countries from the list."), field="countries")
    before = set(alert.countries.values_list("code", flat=True))
    if before == wanted:
        return False
    alert.countries.set(list(Country.objects.filter(code__in=wanted)))
    return True


def alert_coordinator_of(country_id: str, area_id: int) -> AlertCoordinator | None:
    return (
        AlertCoordinator.objects.filter(country_id=country_id, area_id=area_id)
        .select_related("authority")
        .first()
    )


def recipient_countries(alert: Alert) -> list[str]:
    """Where the alert goes: every other country with an alert coordinator for the area (PQ
    alerts), or the countries chosen (services alerts)."""
    own = alert.sending_authority.country_id
    if kind_of(alert.alert_type).to_every_country:
        return sorted(
            AlertCoordinator.objects.filter(area_id=alert.area_id)
            .exclude(country_id=own)
            .values_list("country_id", flat=True)
        )
    return sorted(alert.countries.values_list("code", flat=True))


def alert_problems(alert: Alert) -> dict[str, str]:
    """What the alert still lacks before it may be submitted, per field (empty: complete)."""
    kind = kind_of(alert.alert_type)
    problems: dict[str, str] = {}
    personal_data = alert.personal_data
    for name in kind.required:
        if name == "countries":
            if not alert.countries.exists():
                problems[name] = _("Choose the countries to warn.")
            continue
        if name.startswith("personal."):
            value = getattr(personal_data, name.removeprefix("personal."))
        else:
            value = getattr(alert, name)
        if value in (None, ""):
            problems[name] = _("This is required for this kind of alert.")
    if alert_coordinator_of(alert.sending_authority.country_id, alert.area_id) is None:
        problems["alert_type"] = _(
            "Your country has no alert coordinator for this area yet: ask your national "
            "coordinator."
        )
    elif kind.type == AlertType.SERVICES and "countries" not in problems:
        missing = set(recipient_countries(alert)) - set(
            AlertCoordinator.objects.filter(area_id=alert.area_id).values_list(
                "country_id", flat=True
            )
        )
        if missing:
            problems["countries"] = _(
                "These countries have no alert coordinator for this area yet: %(countries)s."
            ) % {"countries": ", ".join(sorted(missing))}
    return problems


def alert_submit(*, alert: Alert, actor: User) -> Alert:
    """Submit the draft to the sender country's alert coordinator for validation."""
    with transaction.atomic():
        locked, current, target = begin(
            alert=alert, actor=actor, transition=Transition.SUBMIT, action=Action.ALERT_EDIT_DRAFT
        )
        problems = alert_problems(locked)
        if problems:
            raise IncompleteError(_("The alert is not complete yet."), problems)
        coordinator = alert_coordinator_of(locked.sending_authority.country_id, locked.area_id)
        assert coordinator is not None  # alert_problems says so otherwise
        locked.validating_coordinator = coordinator.authority
        locked.status = target
        locked.submitted_at = timezone.now()
        finish(
            alert=locked,
            actor=actor,
            code=events.SUBMITTED,
            from_status=current,
            fields=["validating_coordinator", "status", "submitted_at"],
            data={"coordinator": coordinator.authority_id},
            audience=Audience.SENDER,
        )
    return locked


def alert_add_attachment(*, alert: Alert, actor: User, file: UploadedFile) -> AlertAttachment:
    """Attach a document to the draft (the decision, the falsified diploma)."""
    with transaction.atomic():
        locked, current, _target = begin(
            alert=alert,
            actor=actor,
            transition=Transition.EDIT_DRAFT,
            action=Action.ALERT_EDIT_DRAFT,
        )
        checked = check_upload(file, existing_count=locked.attachments.count())
        attachment = AlertAttachment(
            alert=locked,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        attachment.file.save(checked.name, file, save=False)
        try:
            attachment.save()
            finish(
                alert=locked,
                actor=actor,
                code=events.ATTACHMENT_ADDED,
                from_status=current,
                fields=[],
                data={"attachment": attachment.pk},
                audience=Audience.SENDER,
            )
        except BaseException:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment


def alert_remove_attachment(*, attachment: AlertAttachment, actor: User) -> None:
    with transaction.atomic():
        locked, current, _target = begin(
            alert=attachment.alert_id,
            actor=actor,
            transition=Transition.EDIT_DRAFT,
            action=Action.ALERT_EDIT_DRAFT,
        )
        found = AlertAttachment.objects.filter(pk=attachment.pk, alert=locked).first()
        if found is None:
            raise ApplicationError(_("This document was already removed."))
        name, storage, pk = found.file.name, found.file.storage, found.pk
        found.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))
        finish(
            alert=locked,
            actor=actor,
            code=events.ATTACHMENT_REMOVED,
            from_status=current,
            fields=[],
            data={"attachment": pk},
            audience=Audience.SENDER,
        )


def alert_delete_draft(*, alert: Alert, actor: User) -> None:
    """Delete a draft that will not be submitted, with its personal data and documents."""
    with transaction.atomic():
        locked, _current, _target = begin(
            alert=alert,
            actor=actor,
            transition=Transition.EDIT_DRAFT,
            action=Action.ALERT_EDIT_DRAFT,
        )
        files = [(a.file.name, a.file.storage) for a in locked.attachments.all() if a.file.name]
        pk = locked.pk
        locked.delete()
        for name, storage in files:
            transaction.on_commit(partial(storage.delete, name))
        audit.info("alert.draft_deleted id=%s by=%s", pk, actor.pk)


def attachment_open(*, attachment: AlertAttachment, actor: User) -> AlertAttachment:
    """Check and log a download of the alert's document (personal data)."""
    policy.require(actor, Action.ALERT_DOWNLOAD_ATTACHMENT, attachment)
    with transaction.atomic():
        events.record(
            attachment.alert,
            actor,
            events.ATTACHMENT_DOWNLOADED,
            data={"attachment": attachment.pk},
            audience=Audience.AUDIT,
        )
    return attachment


def personal_data_view_record(*, alert: Alert, actor: User, part: str) -> None:
    """Log one showing of the alert's personal data (page, report, API): the access log."""
    policy.require(actor, Action.ALERT_VIEW_PERSONAL_DATA, alert)
    events.record_personal_data_viewed(alert, actor, part)
