"""The alert as a Word report (issue 22, item 7), in the reader's language: what the alert
says, the person it is about, its texts, its validated updates, its documents, the countries
it went to and its history.

Each reader gets what the alert's page shows them (``policy.alert_parties``):

- the person, the free texts and the document names only with ``ALERT_VIEW_PERSONAL_DATA``,
  and the showing is recorded (``services.personal_data_view_record``, part "report") like
  opening the page; after retention the report says when they were removed;
- updates: the validated ones for every party; the sender and its validating coordinator
  also those waiting, returned, and the reasons their coordinator gave;
- the recipient countries: every one for the sender and the validator; a recipient
  coordinator its own country; a recipient authority none;
- the history: no audit events (the access log is not history); the sending country's own
  steps (drafts, returns, proposals) only for the sender and the validator.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openimi.access import policy
from openimi.access.alerts import RECIPIENT_COORDINATOR, SENDER, VALIDATOR
from openimi.access.policy import Action
from openimi.alerts import deadlines, events, services, types
from openimi.alerts.models import (
    Alert,
    AlertDistribution,
    AlertEvent,
    AlertPersonalData,
    AlertRecipient,
    AlertUpdate,
)
from openimi.alerts.workflow import State
from openimi.common.i18n import language_name, translated
from openimi.reports.documents import _authority, _date, _person
from openimi.reports.docx_layout import Report

if TYPE_CHECKING:
    from openimi.accounts.models import User

# How the history names each event (neutral wording: every party reads the same report).
EVENT_LABELS = {
    events.CREATED: gettext_lazy("Draft created"),
    events.DRAFT_UPDATED: gettext_lazy("Draft changed"),
    events.ATTACHMENT_ADDED: gettext_lazy("Document added"),
    events.ATTACHMENT_REMOVED: gettext_lazy("Document removed"),
    events.SUBMITTED: gettext_lazy("Submitted for validation"),
    events.VALIDATED: gettext_lazy("Validated and sent"),
    events.RETURNED: gettext_lazy("Returned to the sender"),
    events.UPDATE_PROPOSED: gettext_lazy("New information proposed"),
    events.UPDATE_VALIDATED: gettext_lazy("New information validated and sent"),
    events.UPDATE_RETURNED: gettext_lazy("New information returned to the sender"),
    events.CLOSURE_PROPOSED: gettext_lazy("Closure proposed"),
    events.CLOSED: gettext_lazy("Closure validated; alert closed"),
    events.CLOSURE_RETURNED: gettext_lazy("Closure refused; alert stays open"),
    events.WITHDRAWN: gettext_lazy("Alert withdrawn"),
    events.ACKNOWLEDGED: gettext_lazy("Receipt acknowledged"),
    events.DISTRIBUTED: gettext_lazy("Distributed to authorities"),
    events.READ: gettext_lazy("Read by an authority"),
    events.RESTRICTION_ENDED: gettext_lazy("Restriction ended; sender reminded to propose closure"),
    events.PERSONAL_DATA_DELETED: gettext_lazy("Personal data deleted (retention period)"),
}

# The long free texts, each under its own heading (the short ones stand in the facts table).
LONG_TEXTS = ("restriction_scope", "description", "measures")

Kind, UpdateStatus = AlertUpdate.Kind, AlertUpdate.Status


def alert_report(*, alert: Alert, actor: User, language: str) -> bytes:
    """The report of ``alert`` for ``actor`` (who must be allowed to see the alert), in
    ``language``. Reading the personal data is recorded in the alert's access log."""
    with translation.override(language):
        parties = policy.alert_parties(actor, alert)
        sees_personal_data = policy.can(actor, Action.ALERT_VIEW_PERSONAL_DATA, alert)
        if sees_personal_data:
            services.personal_data_view_record(alert=alert, actor=actor, part="report")
        sender_side = bool(parties & {SENDER, VALIDATOR})
        recipients = _recipients_seen(alert, actor, parties)
        report = Report(
            title=_("Alert report"),
            language=language,
            author=_person(actor),
            subtitle=_("Alert %(reference)s, printed on %(date)s by %(name)s")
            % {"reference": alert.reference, "date": _date(timezone.now()), "name": _person(actor)},
        )
        report.paragraph(
            _(
                "This report may hold personal data. Keep it only in your own archive, under "
                "the rules on the protection of personal data; openimi removes the personal "
                "data some time after the alert is closed or withdrawn."
            ),
            grey=True,
        )
        _alert_section(report, alert, language)
        _person_section(report, alert, sees_personal_data)
        _texts_section(report, alert, language, sees_personal_data)
        _updates_section(report, alert, language, sender_side, sees_personal_data)
        _documents_section(report, alert, sees_personal_data)
        if parties & {SENDER, VALIDATOR, RECIPIENT_COORDINATOR}:
            _recipients_section(report, recipients, language)
        _history_section(report, alert, language, sender_side, recipients)
        return report.bytes()


# --- what the alert says ------------------------------------------------------------------------


def _field_label(name: str, alert_type: str) -> str:
    """The label the kind's form gives ``name`` (``personal.<name>`` for the person)."""
    label = types.label(name, alert_type)
    if label is None:
        model, field = (
            (AlertPersonalData, name.removeprefix("personal."))
            if name.startswith("personal.")
            else (Alert, name)
        )
        label = getattr(model._meta.get_field(field), "verbose_name", field)
    text = str(label)
    return text[:1].upper() + text[1:]


def _alert_section(report: Report, alert: Alert, language: str) -> None:
    kind = types.kind_of(alert.alert_type)
    report.heading(_("The alert"))
    status = str(alert.get_status_display())
    report.facts(
        [
            (_("Reference"), alert.reference),
            (_("Kind of alert"), str(alert.get_alert_type_display())),
            (_("Legal basis"), kind.legal_basis),
            (_("Legislative area"), translated(alert.area.names, language)),
            (_("Status"), status),
            (_("Sending authority"), _authority(alert.sending_authority, language)),
            (_("Validating coordinator"), _authority(alert.validating_coordinator, language)),
            *(
                (_field_label(name, alert.alert_type), str(getattr(alert, name)))
                for name in ("activity", "qualification", "deciding_authority")
                if name in kind.shown
            ),
            (
                _("Language of the texts"),
                language_name(alert.language, language) if alert.language else "",
            ),
        ]
    )
    report.heading(_("Dates"), level=2)
    report.facts(
        [
            (_("Created"), _date(alert.created_at)),
            (_field_label("decision_date", alert.alert_type), _date(alert.decision_date)),
            (_field_label("restriction_start", alert.alert_type), _date(alert.restriction_start)),
            (_field_label("restriction_end", alert.alert_type), _date(alert.restriction_end)),
            (_("Submitted for validation"), _date(alert.submitted_at)),
            (_("Send by"), _deadline(alert)),
            (_("Sent"), _date(alert.sent_at)),
            (
                _("Withdrawn") if alert.status == State.WITHDRAWN else _("Closed"),
                _date(alert.closed_at),
            ),
        ]
    )


def _deadline(alert: Alert) -> str:
    """The three-day rule's last day to send, and whether it was kept."""
    deadline = deadlines.sending_deadline(alert)
    if deadline is None:
        return ""
    if deadlines.sent_late(alert):
        return _("%(date)s (sent late)") % {"date": _date(deadline)}
    if deadlines.overdue(alert):
        return _("%(date)s (overdue: not sent yet)") % {"date": _date(deadline)}
    return _date(deadline)


def _removed(alert: Alert) -> str:
    """What stands where the retention job removed the personal data (called once it did)."""
    removed_at = alert.personal_data_removed_at or timezone.now()
    return (
        _("Personal data removed on %(date)s (retention period)")
        % {"date": _date(timezone.localdate(removed_at))}
        + "."
    )


def _not_shown() -> str:
    return _("Not shown: you may not see the personal data of this alert.")


def _person_section(report: Report, alert: Alert, sees_personal_data: bool) -> None:
    if alert.alert_type == types.AlertType.SERVICES:
        report.heading(_("The service provider"))
    else:
        report.heading(_("The professional"))
    if alert.personal_data_removed_at is not None:
        report.paragraph(_removed(alert))
        return
    if not sees_personal_data:
        report.paragraph(_not_shown())
        return
    try:
        person = alert.personal_data
    except AlertPersonalData.DoesNotExist:
        person = None
    rows = []
    for name in types.kind_of(alert.alert_type).shown:
        if not name.startswith("personal.") or person is None:
            continue
        value = getattr(person, name.removeprefix("personal."))
        text = _date(value) if isinstance(value, dt.date) else str(value or "")
        rows.append((_field_label(name, alert.alert_type), text))
    if not any(value for _label, value in rows):
        report.paragraph(_("No personal data was given."))
        return
    report.facts(rows)


def _original_language_note(report: Report, text_language: str, language: str) -> None:
    if text_language:
        report.paragraph(
            _("Original text, in the language it was written in (%(language)s).")
            % {"language": language_name(text_language, language)},
            grey=True,
        )


def _texts_section(report: Report, alert: Alert, language: str, sees_personal_data: bool) -> None:
    """The long free texts, each marked with the language it is written in: they may name
    the person, so they follow the personal data (shown, recorded, removed)."""
    names = [name for name in LONG_TEXTS if name in types.kind_of(alert.alert_type).shown]
    report.heading(_("Texts of the alert"))
    if alert.personal_data_removed_at is not None:
        report.paragraph(_removed(alert))
        return
    if not sees_personal_data:
        report.paragraph(_not_shown())
        return
    written = [name for name in names if getattr(alert, name)]
    if not written:
        report.paragraph(_("No text was written."))
        return
    for name in written:
        report.heading(_field_label(name, alert.alert_type), level=2)
        report.paragraph(getattr(alert, name), lang=alert.language)
    _original_language_note(report, alert.language, language)


# --- its life -----------------------------------------------------------------------------------


def _updates_section(
    report: Report, alert: Alert, language: str, sender_side: bool, sees_personal_data: bool
) -> None:
    """Validated new information and closure, and the withdrawal, for everyone; what waits
    for validation, what was returned and why, for the sender and its coordinator."""
    updates = [
        update
        for update in alert.updates.select_related("author", "decided_by")
        if sender_side or update.status == UpdateStatus.VALIDATED or update.kind == Kind.WITHDRAWAL
    ]
    report.heading(_("Updates"))
    if not updates:
        report.paragraph(_("No updates."))
        return
    for update in updates:
        report.heading(
            _("%(kind)s of %(date)s")
            % {"kind": update.get_kind_display(), "date": _date(update.created_at)},
            level=2,
        )
        rows = [
            (_("Status"), str(update.get_status_display())),
            (_("Written by"), _person(update.author)),
        ]
        if update.decided_at is not None:
            rows.append((_("Decided on"), _date(update.decided_at)))
        report.facts(rows)
        if alert.personal_data_removed_at is not None:
            report.paragraph(_removed(alert))
            continue
        if not sees_personal_data:
            report.paragraph(_not_shown())
            continue
        report.paragraph(update.text, lang=update.language)
        _original_language_note(report, update.language, language)
        if update.return_reason:
            report.paragraph(_("Why it was returned:"), bold=True)
            report.paragraph(update.return_reason)


def _documents_section(report: Report, alert: Alert, sees_personal_data: bool) -> None:
    """The documents listed (their names may name the person); the files stay in openimi."""
    report.heading(_("Documents"))
    documents = list(alert.attachments.all())
    if not documents:
        report.paragraph(
            _removed(alert) if alert.personal_data_removed_at is not None else _("No documents.")
        )
        return
    if not sees_personal_data:
        report.paragraph(_not_shown())
        return
    report.table(
        [_("File name"), _("Added on"), _("Size")],
        [
            [
                document.original_name,
                _date(document.created_at),
                formats.number_format(max(1, round(document.size / 1024))) + " kB",
            ]
            for document in documents
        ],
    )


def _recipients_seen(alert: Alert, actor: User, parties: frozenset[str]) -> list[AlertRecipient]:
    """The recipient countries the reader sees, with the authorities each distributed to:
    all for the sending side, its own for a recipient coordinator, none otherwise."""
    if parties & {SENDER, VALIDATOR}:
        rows = alert.recipients.all()
    elif RECIPIENT_COORDINATOR in parties:
        rows = alert.recipients.filter(policy.alert_recipients_for(actor))
    else:
        return []
    distributions = AlertDistribution.objects.select_related(
        "authority__country", "first_read_by"
    ).prefetch_related("authority__translations")
    return list(
        rows.select_related("country", "coordinator__country")
        .prefetch_related("coordinator__translations", Prefetch("distributions", distributions))
        .order_by("country_id")
    )


def _recipients_section(report: Report, recipients: list[AlertRecipient], language: str) -> None:
    report.heading(_("Recipient countries"))
    if not recipients:
        report.paragraph(_("The alert has not been sent to any country yet."))
        return
    rows = []
    for recipient in recipients:
        dates = [_("Received on %(date)s") % {"date": _date(recipient.received_at)}]
        if recipient.acknowledged_at:
            dates.append(_("acknowledged on %(date)s") % {"date": _date(recipient.acknowledged_at)})
        distributed = [
            (
                _("%(authority)s, read on %(date)s")
                % {
                    "authority": _authority(distribution.authority, language),
                    "date": _date(distribution.first_read_at),
                }
                if distribution.first_read_at
                else _("%(authority)s, not read yet")
                % {"authority": _authority(distribution.authority, language)}
            )
            for distribution in recipient.distributions.all()
        ]
        rows.append(
            [
                translated(recipient.country.names, language),
                str(recipient.get_status_display()) + "\n" + "; ".join(dates),
                recipient.coordinator.title_for(language)[0],
                "\n".join(distributed) or _("None yet"),
            ]
        )
    report.table(
        [_("Country"), _("Status"), _("Alert coordinator"), _("Distributed to")],
        rows,
    )


def _history_section(
    report: Report,
    alert: Alert,
    language: str,
    sender_side: bool,
    recipients: list[AlertRecipient],
) -> None:
    hidden = [AlertEvent.Audience.AUDIT]
    if not sender_side:
        hidden.append(AlertEvent.Audience.SENDER)
    history = (
        alert.events.exclude(audience__in=hidden)
        .select_related("actor", "actor_authority", "country")
        .prefetch_related("actor_authority__translations")
        .order_by("created_at", "pk")
    )
    # The authorities a distribution named, where the reader sees that country's row.
    named = {
        distribution.authority_id: distribution.authority.title_for(language)[0]
        for recipient in recipients
        for distribution in recipient.distributions.all()
    }
    report.heading(_("History"))
    rows = []
    for event in history:
        who = _person(event.actor) if event.actor else ""
        if event.actor_authority is not None:
            title = event.actor_authority.title_for(language)[0]
            who = f"{who} ({title})" if who else title
        note = translated(event.country.names, language) if event.country else ""
        if event.code == events.DISTRIBUTED:
            shown = [named[pk] for pk in event.data.get("authorities", []) if pk in named]
            if shown:
                note = f"{note}: {', '.join(shown)}" if note else ", ".join(shown)
        label = str(EVENT_LABELS.get(event.code, event.code))
        rows.append([_date(event.created_at), label, who, note])
    # "Note": the recipient country of its own steps, and whom a distribution named.
    report.table([_("When"), _("What happened"), _("Who"), _("Note")], rows)
