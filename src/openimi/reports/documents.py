"""The three Word documents, each built in the reader's language.

- ``full_report``: the full report with personal data of a request (seed 3.5 and Bijlage 2:
  what an authority archives in its own records before openimi deletes the personal data).
- ``consent_statement``: the consent statement of the data subject (instemmingsverklaring),
  prefilled with the provider and the requesting authority, for the provider to sign.
- ``user_details``: the sheet with which a local data administrator hands a username over
  (seed 6.1, "Gebruikersgegevens afdrukken"). Never a password.

The two request documents read the personal data only through
``exchange.services.personal_data_view``, which asks the policy and records the read in the
request's audit log: downloading a report is a recorded read like opening the page.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from openimi.access import policy
from openimi.access.policy import Action
from openimi.accounts.users import selectors as user_selectors
from openimi.common.i18n import language_name, translated
from openimi.exchange import events, selectors, services
from openimi.exchange.models import Answer, Attachment, PersonalData, Question, Side
from openimi.reports.docx_layout import Report
from openimi.retention import selectors as retention_selectors

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority
    from openimi.exchange.models import InformationRequest

# How the timeline names each event (neutral wording: the report is read by either side).
EVENT_LABELS = {
    events.CREATED: gettext_lazy("Draft created"),
    events.DRAFT_UPDATED: gettext_lazy("Draft changed"),
    events.PERSONAL_DATA_UPDATED: gettext_lazy("Personal data changed"),
    events.ATTACHMENT_ADDED: gettext_lazy("Document added"),
    events.ATTACHMENT_REMOVED: gettext_lazy("Document removed"),
    events.SENT: gettext_lazy("Request sent"),
    events.SENT_FOR_APPROVAL: gettext_lazy("Sent for approval by the coordinator"),
    events.APPROVED: gettext_lazy("Approved by the coordinator"),
    events.RETURNED: gettext_lazy("Returned by the coordinator"),
    events.ACCEPTED: gettext_lazy("Request accepted"),
    events.FORWARDED: gettext_lazy("Forwarded"),
    events.REJECTED: gettext_lazy("Request rejected"),
    events.ALLOCATED: gettext_lazy("Allocated"),
    events.HANDED_OVER: gettext_lazy("Handed over to a colleague"),
    events.AUTHORITY_MOVED: gettext_lazy("Moved to another authority (merger or deactivation)"),
    events.INFORMATION_REQUESTED: gettext_lazy("More information asked for"),
    events.INFORMATION_PROVIDED: gettext_lazy("Information provided"),
    events.ANSWER_SAVED: gettext_lazy("Answer saved"),
    events.ANSWERED: gettext_lazy("Answer sent"),
    events.ANSWER_SENT_FOR_APPROVAL: gettext_lazy("Answer sent for approval by the coordinator"),
    events.ANSWER_APPROVED: gettext_lazy("Answer approved by the coordinator"),
    events.ANSWER_RETURNED: gettext_lazy("Answer returned by the coordinator"),
    events.ANSWER_ACCEPTED: gettext_lazy("Answer accepted; request closed"),
    events.FOLLOW_UP_ASKED: gettext_lazy("Follow-up question asked"),
    events.WITHDRAWN: gettext_lazy("Request withdrawn"),
    events.REFERRED: gettext_lazy("Referred to the coordinator"),
    events.MEDIATION_MESSAGE: gettext_lazy("Message in the mediation"),
    events.MEDIATION_ENDED: gettext_lazy("Mediation ended"),
    events.MEDIATION_ENDED_WITH_REQUEST: gettext_lazy("Mediation ended with the request"),
    # privacy (data-subject requests)
    events.PERSONAL_DATA_CORRECTED: gettext_lazy("Personal data corrected for the data subject"),
    events.PERSONAL_DATA_CONTESTED: gettext_lazy("Personal data contested by the data subject"),
    events.CONTEST_REMOVED: gettext_lazy("Contest mark removed"),
    # the retention job
    events.PERSONAL_DATA_BLOCKED: gettext_lazy("Personal data blocked (retention period)"),
    events.PERSONAL_DATA_DELETED: gettext_lazy("Personal data deleted (retention period)"),
}

_YES_NO = {
    "yes": gettext_lazy("Yes"),
    "no": gettext_lazy("No"),
    "unknown": pgettext_lazy("answer to a yes/no question: not known", "Unknown"),
}


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def _authority(authority: Authority | None, language: str) -> str:
    if authority is None:
        return ""
    title, _title_language = authority.title_for(language)
    country = translated(authority.country.names, language)
    if title == authority.official_name:
        return f"{title} ({country})"
    return f"{title} – {authority.official_name} ({country})"


def _practice_warning(report: Report, info_request: InformationRequest) -> None:
    if info_request.is_practice:
        report.warning(
            _("FICTITIOUS: this is a practice request about a fictitious case, not a real one.")
        )


# --- the full report ----------------------------------------------------------------------------


def full_report(*, info_request: InformationRequest, actor: User, language: str) -> bytes:
    """The full report with personal data of ``info_request``, for ``actor`` (who must be
    allowed to see its personal data: the read is recorded)."""
    with translation.override(language):
        personal_data = services.personal_data_view(
            info_request=info_request, actor=actor, part="report:full"
        )
        asked = selectors.request_question_list(user=actor, info_request=info_request)
        documents = selectors.request_attachment_list(user=actor, info_request=info_request)
        timeline = selectors.timeline_entry_list(user=actor, info_request=info_request)
        report = Report(
            title=_("Full report with personal data"),
            language=language,
            author=_person(actor),
            # Translators: %(number)s is the request's reference number in openimi
            # (for example 1042): an identifier, not a count or a position.
            subtitle=_("Information request %(number)s, printed on %(date)s by %(name)s")
            % {
                "number": info_request.reference,
                "date": _date(timezone.now()),
                "name": _person(actor),
            },
        )
        _practice_warning(report, info_request)
        report.paragraph(
            _(
                "This report holds personal data. Keep it only in your own archive, under the "
                "rules on the protection of personal data; openimi deletes the personal data "
                "automatically some time after the request is closed."
            ),
            grey=True,
        )
        removed_at = retention_selectors.personal_data_removed_at(info_request)
        _request_section(report, info_request, language, removed_at)
        _personal_data_section(report, personal_data, removed_at)
        _questions_section(report, asked, language)
        _documents_section(report, documents, asked)
        if policy.can(actor, Action.REQUEST_VIEW_MEDIATION, info_request):
            mediation = selectors.mediation_message_list(user=actor, info_request=info_request)
            _mediation_section(report, mediation, language)
        _contacts_section(report, info_request, timeline, language)
        _timeline_section(report, timeline, language)
        return report.bytes()


def _person(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _removed(removed_at: dt.datetime) -> str:
    """What stands where the retention job removed the personal data."""
    return (
        _("Personal data removed on %(date)s (retention period)")
        % {"date": _date(timezone.localdate(removed_at))}
        + "."
    )


def _request_section(
    report: Report,
    info_request: InformationRequest,
    language: str,
    removed_at: dt.datetime | None,
) -> None:
    report.heading(_("The request"))
    report.facts(
        [
            (_("Number"), info_request.reference),
            (_("Status"), str(info_request.get_status_display())),
            (_("Legislative area"), translated(info_request.area.names, language)),
            (
                _("Question set"),
                translated(info_request.question_set.titles, language)
                if info_request.question_set
                else "",
            ),
            (_("Requesting authority"), _authority(info_request.requesting_authority, language)),
            (_("Responding authority"), _authority(info_request.responding_authority, language)),
            (_("Created"), _date(info_request.created_at)),
            (_("Sent"), _date(info_request.sent_at)),
            (_("Accept or forward by"), _date(info_request.acceptance_deadline)),
            (_("Requested reply date"), _date(info_request.reply_by)),
            (pgettext("date of an event", "Accepted"), _date(info_request.accepted_at)),
            (pgettext("date of an event", "Answered"), _date(info_request.answered_at)),
            (_("Ended"), _date(info_request.closed_at)),
            (
                _("Ground for rejection"),
                info_request.get_rejection_reason_display()
                if info_request.rejection_reason
                else "",
            ),
        ]
    )
    if not info_request.justification and removed_at is not None:
        report.heading(_("Justification"), level=2)
        report.paragraph(_removed(removed_at))
    if info_request.justification:
        report.heading(_("Justification"), level=2)
        report.paragraph(info_request.justification, lang=info_request.justification_language)
        if info_request.justification_language:
            report.paragraph(
                _("Original text, in the language it was written in (%(language)s).")
                % {"language": language_name(info_request.justification_language, language)},
                grey=True,
            )


def _personal_data_section(
    report: Report, personal_data: PersonalData | None, removed_at: dt.datetime | None
) -> None:
    report.heading(_("Personal data of the service provider"))
    if personal_data is None:
        if removed_at is not None:
            report.paragraph(_removed(removed_at))
        else:
            report.paragraph(_("No personal data was given."))
        return
    rows = []
    for name in PersonalData.data_fields():
        value = getattr(personal_data, name)
        if name == "date_of_birth":
            value = _date(value)
        label = PersonalData._meta.get_field(name).verbose_name
        rows.append((capfirst(str(label)), "" if value is None else str(value)))
    report.facts(rows)


def answer_text(answer: Answer | None, question: Question, language: str) -> str:
    """The answer as a reader sees it, in ``language`` (the free text apart)."""
    if answer is None:
        return _("Not answered yet")
    if answer.standard_answer is not None:
        return translated(answer.standard_answer.texts, language)
    value = answer.value
    if value in (None, ""):
        return ""
    if question.answer_type in (Question.AnswerType.YES_NO, Question.AnswerType.YES_NO_UNKNOWN):
        return str(_YES_NO.get(value, value))
    if question.answer_type == Question.AnswerType.CHOICE:
        return question.choice_text(value, language)
    if question.answer_type == Question.AnswerType.DATE:
        try:
            return _date(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _questions_section(report: Report, asked, language: str) -> None:
    report.heading(_("Questions and answers"))
    if not asked:
        report.paragraph(_("No questions were asked."))
        return
    for number, item in enumerate(asked, start=1):
        question = item.question
        report.heading(f"{number}. {translated(question.texts, language)}", level=2)
        answer = item.answer
        rows = [(_("Answer"), answer_text(answer, question, language))]
        if answer is not None and answer.free_text:
            if question.free_text_is_answer and answer.standard_answer is None:
                rows = []  # the free text is the answer: one row, below
            free_language = answer.free_text_language or ""
            label = (
                _("%(label)s (original text, %(language)s)")
                % {
                    "label": question.free_text_label,
                    "language": language_name(free_language, language),
                }
                if free_language
                else _("%(label)s (original text)") % {"label": question.free_text_label}
            )
            rows.append((label, answer.free_text))
        if answer is not None:
            rows.append((_("Answered on"), _date(answer.sent_at or answer.answered_at)))
        if item.attachments:
            rows.append(
                (_("Documents"), ", ".join(document.original_name for document in item.attachments))
            )
        report.facts(rows)


def _documents_section(report: Report, documents: list[Attachment], asked) -> None:
    report.heading(_("Documents"))
    every = [*documents, *(document for item in asked for document in item.attachments)]
    if not every:
        report.paragraph(_("No documents."))
        return
    sides = dict(Side.choices)
    report.table(
        [_("File name"), _("Added by"), _("Added on"), _("Size")],
        [
            [
                document.original_name,
                str(sides.get(document.side, document.side)),
                _date(document.created_at),
                formats.number_format(max(1, round(document.size / 1024))) + " kB",
            ]
            for document in every
        ],
    )


def _mediation_section(report: Report, mediation, language: str) -> None:
    report.heading(_("Mediation by the coordinator"))
    if not mediation:
        report.paragraph(_("No messages yet."))
        return
    rows = []
    for message in mediation:
        title, _title_language = message.author_authority.title_for(language)
        rows.append(
            [_date(message.created_at), f"{_person(message.author)} ({title})", message.text]
        )
    report.table([_("When"), _("Who"), _("Message")], rows)


def _contacts_section(
    report: Report, info_request: InformationRequest, timeline, language: str
) -> None:
    """Each authority's general address and telephone, and the people who acted for it on
    this request (from the timeline the reader sees), with their e-mail and telephone."""
    report.heading(_("Contact persons"))
    rows = []
    for authority in (info_request.requesting_authority, info_request.responding_authority):
        if authority is None:
            continue
        title, _title_language = authority.title_for(language)
        rows.append([title, _("General contact"), authority.email, authority.phone])
        seen = set()
        for entry in timeline:
            actor = entry.event.actor
            if actor is None or entry.event.actor_authority_id != authority.pk or actor.pk in seen:
                continue
            seen.add(actor.pk)
            rows.append([title, _person(actor), actor.email, actor.phone])
    report.table(
        [_("Authority"), pgettext("name of a person", "Name"), _("E-mail"), _("Telephone")], rows
    )


def _timeline_section(report: Report, timeline, language: str) -> None:
    report.heading(_("Timeline"))
    rows = []
    for entry in timeline:
        event = entry.event
        who = event.actor.get_full_name() if event.actor else ""
        if event.actor_authority is not None:
            title, _title_language = event.actor_authority.title_for(language)
            who = f"{who} ({title})" if who else title
        label = str(EVENT_LABELS.get(event.code, event.code))
        rows.append([_date(event.created_at), label, who, entry.note or ""])
    report.table([_("When"), _("What happened"), _("Who"), _("Note")], rows)


# --- the consent statement ----------------------------------------------------------------------


def consent_statement(*, info_request: InformationRequest, actor: User, language: str) -> bytes:
    """The consent statement of the data subject, prefilled with the provider and the
    requesting authority, for the provider to sign before the request is sent."""
    with translation.override(language):
        personal_data = services.personal_data_view(
            info_request=info_request, actor=actor, part="report:consent"
        )
        requesting = info_request.requesting_authority
        responding = info_request.responding_authority
        report = Report(
            title=_("Consent statement of the data subject"),
            language=language,
            author=_person(actor),
            # Translators: %(number)s is the request's reference number in openimi
            # (for example 1042): an identifier, not a count or a position.
            subtitle=_("For information request %(number)s") % {"number": info_request.reference},
        )
        _practice_warning(report, info_request)
        provider = personal_data.provider_name if personal_data else ""
        report.heading(_("The service provider"))
        report.facts(_provider_rows(personal_data))
        report.heading(_("The requesting authority"))
        report.facts(
            [
                (_("Authority"), _authority(requesting, language)),
                (_("Address"), _address(requesting)),
                (_("E-mail"), requesting.email),
                (_("Telephone"), requesting.phone),
            ]
        )
        report.heading(_("Statement"))
        report.paragraph(
            _(
                "I, the undersigned, on behalf of %(provider)s, consent to %(authority)s asking "
                "a competent authority in another member state of the European Economic Area, "
                "or in its own country, for information about %(provider)s through the Internal "
                "Market Information system (IMI), and to that authority answering, as far as "
                "the information is needed to apply the rules on services to the service provider."
            )
            % {
                "provider": provider or _("the service provider"),
                "authority": requesting.title_for(language)[0],
            }
        )
        if responding is not None:
            report.paragraph(
                _("The request is addressed to: %(authority)s.")
                % {"authority": _authority(responding, language)}
            )
        report.paragraph(
            _(
                "The personal data exchanged is seen only by the authorities in the exchange and "
                "is deleted automatically some time after the request is closed. I may ask the "
                "requesting authority which data about me was exchanged."
            )
        )
        report.signature_lines(
            [
                pgettext("name of a person", "Name"),
                pgettext("job title of a person", "Position"),
                _("Place"),
                _("Date"),
                _("Signature"),
            ]
        )
        report.paragraph(
            _("Return the signed statement to %(authority)s before the request is sent.")
            % {"authority": requesting.title_for(language)[0]},
            grey=True,
        )
        return report.bytes()


def _provider_rows(personal_data: PersonalData | None) -> list[tuple[str, str]]:
    if personal_data is None:
        return [(pgettext("name of a company or organisation", "Name"), "")]
    address = ", ".join(
        part
        for part in (
            personal_data.street,
            f"{personal_data.postal_code} {personal_data.city}".strip(),
            personal_data.country.name if personal_data.country else "",
        )
        if part
    )
    return [
        (pgettext("name of a company or organisation", "Name"), personal_data.provider_name),
        (_("Legal form"), personal_data.legal_form),
        (_("Registration number"), personal_data.registration_number),
        (_("Contact person"), personal_data.contact_person),
        (_("Address"), address),
        (_("E-mail"), personal_data.email),
    ]


def _address(authority: Authority) -> str:
    town = f"{authority.postal_code} {authority.city}".strip()
    return ", ".join(part for part in (authority.street, town) if part)


# --- the user details sheet ---------------------------------------------------------------------


def user_details(*, user: User, language: str, actor: User | None = None) -> bytes:
    """The sheet a local data administrator (``actor``, the file's author; openimi when not
    given) hands to a new user: name, username, authority, roles and how to log in for the
    first time. It never holds a password."""
    with translation.override(language):
        report = Report(
            title=_("User details"),
            language=language,
            author=_person(actor) if actor is not None else "",
            subtitle=str(user.authority),
        )
        roles = [str(_("Basic user"))]
        for line in user_selectors.user_role_list(user=user):
            areas = ", ".join(translated(area.names, language) for area in line.areas)
            roles.append(f"{line.label}: {areas}" if areas else str(line.label))
        report.facts(
            [
                (pgettext("name of a person", "Name"), user.get_full_name()),
                (_("Username"), user.get_username()),
                (_("Authority"), str(user.authority) if user.authority else ""),
                (_("E-mail"), user.email),
                (_("Telephone"), user.phone),
                (_("Roles"), "\n".join(roles)),
            ]
        )
        if user.status == user.Status.PENDING:
            report.heading(_("Your first login"))
            report.paragraph(
                _(
                    "Your temporary password comes by e-mail. Log in with your username and "
                    "that password; then choose your own password and a security code of 12 "
                    "characters."
                )
            )
        else:  # they have their own password: promise nothing that will not come
            report.heading(_("How to log in"))
            report.paragraph(
                _(
                    "Log in with your username and your own password, then type the three "
                    "characters of your security code that openimi asks for."
                )
            )
        report.paragraph(
            _("Log in at: %(url)s") % {"url": settings.SITE_URL + reverse("accounts:login")}
        )
        report.paragraph(
            _("Keep this sheet apart from your password. Never write your password on it."),
            grey=True,
        )
        return report.bytes()
