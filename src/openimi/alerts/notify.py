"""Who is told about an alert event, and the outbox rows that tell them (as ``exchange.notify``
does for requests).

``for_event`` runs inside the transaction of the transition that wrote the event (the
``alerts.events.published`` receiver): the e-mails exist if and only if the change does
(DESIGN rule 4). Every e-mail is rendered in its recipient's language (a user's
``language``; an authority's own language for its general address) and carries no personal
data and no free text: the alert's reference, its kind, its area, the sending country and a
link. Whoever is told is one of the alert's parties in the policy (``access.alerts``), so the
link opens for them.

"The people of an authority" below are its active request handlers and supervisors for the
alert's area, the roles that see alerts (``access.alerts.people_of``). Recipients (the
actor is never told about what they did themselves):

- submitted: the validating coordinator's people and its general address;
- validated (sent): every recipient coordinator's people and general address; the author;
- returned, new information returned, closure refused, restriction ended (a reminder): the
  author and the sending authority's other request handlers for the area;
- new information or closure proposed: the validating coordinator's people;
- new information validated, closed: the recipient coordinators and every authority the
  alert was distributed to (people and general address); the author;
- withdrawn: the same when the alert had been sent; the validator and the author always;
- distributed: the authorities newly passed the alert (``data["authorities"]``).

Every e-mail may wait for the recipient's daily digest except the reminder that a
restriction ended, which goes at once like the deadline reminders of requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from openimi.access import alerts as rules
from openimi.alerts import events
from openimi.alerts.models import Alert, AlertDistribution, AlertRecipient
from openimi.alerts.types import AlertType
from openimi.alerts.workflow import LIVE_STATES, State
from openimi.authorities.models import Authority
from openimi.common.i18n import country_name, translated
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue_many

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.alerts.models import AlertEvent

TEMPLATE_DIR = "alerts/email"
KEY_PREFIX = "alerts"


@dataclass(frozen=True)
class Audience:
    """Users to write to, and the authorities whose general address gets a copy."""

    users: tuple[User, ...] = ()
    authorities: tuple[int, ...] = ()

    def __add__(self, other: Audience) -> Audience:
        return Audience(self.users + other.users, self.authorities + other.authorities)


Group = Callable[[Alert, "AlertEvent"], Audience]


def _authorities(authority_ids: Iterable[int | None], alert: Alert) -> Audience:
    ids = tuple(sorted({pk for pk in authority_ids if pk is not None}))
    return Audience(tuple(rules.people_of(ids, alert.area_id)), ids)


def _validator(alert: Alert, event: AlertEvent) -> Audience:
    return _authorities([alert.validating_coordinator_id], alert)


def _validator_people(alert: Alert, event: AlertEvent) -> Audience:
    return Audience(tuple(rules.people_of([alert.validating_coordinator_id], alert.area_id)))


def _recipient_coordinators(alert: Alert, event: AlertEvent) -> Audience:
    ids = AlertRecipient.objects.filter(alert=alert).values_list("coordinator_id", flat=True)
    return _authorities(ids, alert)


def _recipients(alert: Alert, event: AlertEvent) -> Audience:
    """Every recipient coordinator and every authority the alert was distributed to."""
    coordinators = AlertRecipient.objects.filter(alert=alert).values_list(
        "coordinator_id", flat=True
    )
    distributed = AlertDistribution.objects.filter(recipient__alert=alert).values_list(
        "authority_id", flat=True
    )
    return _authorities([*coordinators, *distributed], alert)


def _recipients_if_sent(alert: Alert, event: AlertEvent) -> Audience:
    # Withdrawn before validation, the alert never left the sender's country.
    if event.from_status not in LIVE_STATES:
        return Audience()
    return _recipients(alert, event)


def _newly_distributed(alert: Alert, event: AlertEvent) -> Audience:
    ids = [pk for pk in event.data.get("authorities", []) if isinstance(pk, int)]
    return _authorities(ids, alert)


def _author(alert: Alert, event: AlertEvent) -> Audience:
    """The author, while still one of the sender's people for the area (someone who left or
    changed roles can no longer open the alert)."""
    author = rules.people_of([alert.sending_authority_id], alert.area_id).filter(pk=alert.author_id)
    return Audience(tuple(author))


def _sender_handlers(alert: Alert, event: AlertEvent) -> Audience:
    """The author and the sending authority's other request handlers for the area."""
    handlers = rules.people_of([alert.sending_authority_id], alert.area_id, handlers_only=True)
    return _author(alert, event) + Audience(tuple(handlers))


@dataclass(frozen=True)
class Notice:
    """One e-mail of an event: who gets it, its subject and its sentence (translated in the
    recipient's language when rendered)."""

    groups: tuple[Group, ...]
    subject: str
    sentence: str


# event code -> its notices, in order: someone in two notices gets the first only.
RULES: dict[str, tuple[Notice, ...]] = {
    events.SUBMITTED: (
        Notice(
            (_validator,),
            _("Alert awaiting your validation"),
            _("An outgoing alert awaits your validation before it is sent to other countries."),
        ),
    ),
    events.VALIDATED: (
        Notice(
            (_recipient_coordinators,),
            _("New alert from another country"),
            _(
                "An alert from another country has arrived for you as alert coordinator. "
                "Acknowledge it and pass it to the competent authorities of your country."
            ),
        ),
        Notice(
            (_author,),
            _("Your alert was sent"),
            _("The alert coordinator validated your alert; it was sent to the other countries."),
        ),
    ),
    events.RETURNED: (
        Notice(
            (_sender_handlers,),
            _("Alert returned by the alert coordinator"),
            _("The alert coordinator returned the alert; it is a draft again."),
        ),
    ),
    events.UPDATE_PROPOSED: (
        Notice(
            (_validator_people,),
            _("New information awaiting your validation"),
            _("The sender added new information to an alert; it awaits your validation."),
        ),
    ),
    events.UPDATE_VALIDATED: (
        Notice(
            (_recipients,),
            _("New information in an alert"),
            _("There is new information in an alert you received."),
        ),
        Notice(
            (_author,),
            _("New information sent"),
            _("The alert coordinator validated the new information; it was sent."),
        ),
    ),
    events.UPDATE_RETURNED: (
        Notice(
            (_sender_handlers,),
            _("New information returned by the alert coordinator"),
            _("The alert coordinator returned the new information added to an alert."),
        ),
    ),
    events.CLOSURE_PROPOSED: (
        Notice(
            (_validator_people,),
            _("Closure of an alert awaiting your validation"),
            _("The sender proposes to close an alert; the closure awaits your validation."),
        ),
    ),
    events.CLOSED: (
        Notice(
            (_recipients,),
            _("Alert closed"),
            _("An alert you received was closed: its warning no longer applies."),
        ),
        Notice(
            (_author,),
            _("Your alert was closed"),
            _("The alert coordinator validated the closure of your alert."),
        ),
    ),
    events.CLOSURE_RETURNED: (
        Notice(
            (_sender_handlers,),
            _("Closure of an alert refused"),
            _("The alert coordinator refused to close the alert; it stays in force."),
        ),
    ),
    events.WITHDRAWN: (
        Notice(
            (_recipients_if_sent,),
            _("Alert withdrawn"),
            _("An alert you received was withdrawn by the country that sent it."),
        ),
        Notice(
            (_validator_people, _author),
            _("Alert withdrawn"),
            _("An alert of your country was withdrawn."),
        ),
    ),
    events.DISTRIBUTED: (
        Notice(
            (_newly_distributed,),
            _("New alert from another country"),
            _("Your country's alert coordinator passed you an alert from another country."),
        ),
    ),
    events.RESTRICTION_ENDED: (
        Notice(
            (_sender_handlers,),
            _("The restriction in an alert has ended"),
            _(
                "The end date of the restriction in an alert has passed. If the alert no "
                "longer applies, propose to close it."
            ),
        ),
    ),
}

# Reminders go at once, whatever the recipient chose (as the deadline reminders of requests).
NOT_DIGESTIBLE = frozenset({events.RESTRICTION_ENDED})


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    user: User | None
    authority_id: int | None
    notice: Notice


def recipients_for(event: AlertEvent) -> list[Recipient]:
    """Everyone to write to about ``event``, once each, the actor left out."""
    alert = event.alert
    recipients: dict[str, Recipient] = {}
    for notice in RULES.get(event.code, ()):
        audience = Audience()
        for group in notice.groups:
            audience += group(alert, event)
        for user in audience.users:
            if user.pk == event.actor_id or not user.email:
                continue
            recipients.setdefault(
                user.email.lower(),
                Recipient(user.email, user.language, user, user.authority_id, notice),
            )
        authorities = Authority.objects.filter(pk__in=set(audience.authorities)).order_by("pk")
        for authority in authorities.only("pk", "email", "language"):
            if authority.email:
                recipients.setdefault(
                    authority.email.lower(),
                    Recipient(authority.email, authority.language_id, None, authority.pk, notice),
                )
    return list(recipients.values())


def for_event(event: AlertEvent) -> list[OutboxMessage]:
    """Write the outbox rows for ``event``; call inside the transaction that wrote it.

    Each notice is rendered once per language and the rows are written together
    (``outbox_enqueue_many``): the queries do not grow with the number of recipients.
    Idempotent per event and recipient (the key): returns the rows written, none when called
    again.
    """
    if event.code not in RULES:
        return []
    recipients = recipients_for(event)
    if not recipients:
        return []
    alert = _with_texts(event.alert_id)
    texts: dict[tuple[int, str], tuple[str, str, str]] = {}  # (notice, language) -> texts
    messages = []
    for recipient in recipients:
        cache_key = (id(recipient.notice), recipient.language)
        if cache_key not in texts:
            texts[cache_key] = _render(alert, recipient.language, recipient.notice)
        subject_text, body_text, link = texts[cache_key]
        messages.append(
            OutboxMessage(
                key=f"{KEY_PREFIX}:{event.pk}:{recipient.email.lower()}",
                recipient_email=recipient.email,
                subject=subject_text,
                body_text=body_text,
                language=recipient.language,
                event_code=event.code,
                recipient_user=recipient.user,
                authority_id=recipient.authority_id,
                link=link,
            )
        )
    return outbox_enqueue_many(messages=messages, digestible=event.code not in NOT_DIGESTIBLE)


def alert_link(alert_id: int) -> str:
    """The absolute address of the alert's page."""
    try:
        path = reverse("alerts:detail", kwargs={"pk": alert_id})
    except NoReverseMatch:  # the pages are not mounted (an API-only installation)
        path = f"/alerts/{alert_id}/"
    return f"{settings.SITE_URL}{path}"


def _with_texts(alert_id: int) -> Alert:
    """The alert with what the e-mail shows (never its personal data nor its free texts)."""
    return (
        Alert.objects.select_related("area", "sending_authority")
        .only("pk", "alert_type", "status", "area__names", "sending_authority__country_id")
        .get(pk=alert_id)
    )


def _render(alert: Alert, language: str, notice: Notice) -> tuple[str, str, str]:
    """The e-mail's subject, text and link in ``language``."""
    with translation.override(language):
        context = {
            "reference": alert.reference,
            "subject": notice.subject,
            "sentence": notice.sentence,
            "kind": AlertType(alert.alert_type).label,
            "status": State(alert.status).label,
            "area": translated(alert.area.names, language),
            "country": country_name(alert.sending_authority.country_id, language),
            "link": alert_link(alert.pk),
        }
        subject = render_to_string(f"{TEMPLATE_DIR}/alert_event.subject.txt", context)
        body = render_to_string(f"{TEMPLATE_DIR}/alert_event.body.txt", context)
    return subject, body.strip() + "\n", str(context["link"])


def on_published(sender: object, *, event: AlertEvent, **kwargs: object) -> None:
    """``alerts.events.published`` receiver: the event's e-mails."""
    for_event(event)
