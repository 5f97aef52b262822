"""Who is told about a request event, and the outbox rows that tell them (seed, Bijlage 3).

``for_event`` runs inside the transaction of the transition that wrote the event: the e-mails
exist if and only if the change does (DESIGN rule 4). Every e-mail is rendered in its
recipient's language (a user's ``language``; an authority's own language for its general
address), links to the request, and carries no personal data and no free text: only the
request's number, the authorities, the area, the question set and the dates. E-mails about a
request built from a practice set say "[FICTITIOUS]" in the subject and the text.

Recipients (the actor is never told about what they did themselves):

- a new incoming request (sent, also after approval, or forwarded): the responding
  authority's general address and every request handler for the area; with allocation,
  every allocator instead;
- an allocation: the handlers allocated;
- news for the requesting authority: the user who made the request (or, if that user can no
  longer act, every request handler for the area);
- news for the responding authority: the allocated handlers (with allocation) or every
  request handler for the area;
- something awaiting approval, and referrals: the supervising coordinator's request handlers
  for the area and its general address;
- and the general address of every authority whose users are written to gets a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from openimi.access import requests as rules
from openimi.authorities.models import Authority
from openimi.common.i18n import translated
from openimi.exchange import events
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue_many

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.exchange.models import InformationRequest, RequestEvent

TEMPLATE_DIR = "exchange/email"


@dataclass(frozen=True)
class Audience:
    """Users to write to, and the authorities whose general address gets a copy."""

    users: tuple[User, ...] = ()
    authorities: tuple[int, ...] = ()

    def __add__(self, other: Audience) -> Audience:
        return Audience(self.users + other.users, self.authorities + other.authorities)


Group = Callable[["InformationRequest", "RequestEvent"], Audience]


def _incoming(info_request: InformationRequest, event: RequestEvent) -> Audience:
    authority_id, area_id = info_request.responding_authority_id, info_request.area_id
    users = (
        rules.allocators_of(authority_id, area_id)
        if rules.uses_allocation(info_request)
        else rules.request_handlers_of(authority_id, area_id)
    )
    return Audience(tuple(users), (authority_id,))


def _requester(info_request: InformationRequest, event: RequestEvent) -> Audience:
    authority_id = info_request.requesting_authority_id
    user = info_request.requesting_user
    if rules.is_request_handler(user, authority_id, info_request.area_id):
        users: tuple[User, ...] = (user,)
    else:
        users = tuple(rules.request_handlers_of(authority_id, info_request.area_id))
    return Audience(users, (authority_id,))


def _responders(info_request: InformationRequest, event: RequestEvent) -> Audience:
    if not rules.reached_responder(info_request):
        return Audience()
    users = tuple(rules.responding_actors(info_request))
    if not users and rules.uses_allocation(info_request):
        # Nobody allocated yet: the allocators must see it.
        users = tuple(
            rules.allocators_of(info_request.responding_authority_id, info_request.area_id)
        )
    return Audience(users, (info_request.responding_authority_id,))


def _coordinator_of(side: str) -> Group:
    def group(info_request: InformationRequest, event: RequestEvent) -> Audience:
        coordinator_id = rules.supervising_coordinator_id(info_request, side)
        return _coordinator_audience(coordinator_id, info_request)

    return group


def _mediator(info_request: InformationRequest, event: RequestEvent) -> Audience:
    return _coordinator_audience(info_request.mediating_coordinator_id, info_request)


def _coordinator_audience(coordinator_id: int | None, info_request: InformationRequest) -> Audience:
    if coordinator_id is None:
        return Audience()
    users = tuple(rules.request_handlers_of(coordinator_id, info_request.area_id))
    return Audience(users, (coordinator_id,))


def _allocated(info_request: InformationRequest, event: RequestEvent) -> Audience:
    from openimi.accounts.models import User

    users = tuple(User.objects.filter(pk__in=event.data.get("new_handlers", [])).order_by("pk"))
    return Audience(users, (info_request.responding_authority_id,))


def _handed_over_to(info_request: InformationRequest, event: RequestEvent) -> Audience:
    from openimi.accounts.models import User

    users = tuple(User.objects.filter(pk=event.data.get("to_user")))
    return Audience(users, ())


def _withdrawn(info_request: InformationRequest, event: RequestEvent) -> Audience:
    if rules.reached_responder(info_request):
        return _responders(info_request, event)
    return _coordinator_of(rules.REQUESTING)(info_request, event)


def _mediation_parties(info_request: InformationRequest, event: RequestEvent) -> Audience:
    return _requester(info_request, event) + _responders(info_request, event)


# event code -> (who is told, subject, sentence). Subjects and sentences are translated in the
# recipient's language when rendered.
RULES: dict[str, tuple[tuple[Group, ...], str, str]] = {
    events.SENT: (
        (_incoming,),
        _("New information request"),
        _("A new information request has arrived for your authority."),
    ),
    events.SENT_FOR_APPROVAL: (
        (_coordinator_of(rules.REQUESTING),),
        _("Information request awaiting your approval"),
        _("An outgoing information request awaits your approval before it is sent."),
    ),
    # Approval writes two events: this one, and ``request.sent`` for the responding side.
    events.APPROVED: (
        (_requester,),
        _("Information request approved"),
        _("The coordinator approved your information request; it has been sent."),
    ),
    events.RETURNED: (
        (_requester,),
        _("Information request returned by the coordinator"),
        _("The coordinator returned your information request; it is a draft again."),
    ),
    events.ACCEPTED: (
        (_requester,),
        _("Information request accepted"),
        _("Your information request was accepted."),
    ),
    events.FORWARDED: (
        (_incoming, _requester),
        _("Information request forwarded"),
        _("An information request was forwarded to another authority."),
    ),
    events.REJECTED: (
        (_requester,),
        _("Information request rejected"),
        _("Your information request was rejected."),
    ),
    events.ALLOCATED: (
        (_allocated,),
        _("Information request allocated to you"),
        _("An information request was allocated to you."),
    ),
    events.HANDED_OVER: (
        (_handed_over_to,),
        _("Information request handed over to you"),
        _(
            "A local data administrator of your authority handed an information request of a "
            "colleague who left to you."
        ),
    ),
    events.INFORMATION_REQUESTED: (
        (_requester,),
        _("More information asked for"),
        _("The responding authority asks for more information about your request."),
    ),
    events.INFORMATION_PROVIDED: (
        (_responders,),
        _("Information provided"),
        _("The requesting authority provided the information asked for."),
    ),
    events.ANSWERED: (
        (_requester,),
        _("Information request answered"),
        _("Your information request was answered."),
    ),
    events.ANSWER_SENT_FOR_APPROVAL: (
        (_coordinator_of(rules.RESPONDING),),
        _("Answer awaiting your approval"),
        _("An answer to an information request awaits your approval before it is sent."),
    ),
    # Approval writes two events: this one, and ``request.answered`` for the requester.
    events.ANSWER_APPROVED: (
        (_responders,),
        _("Answer approved"),
        _("The coordinator approved the answer; it has been sent."),
    ),
    events.ANSWER_RETURNED: (
        (_responders,),
        _("Answer returned by the coordinator"),
        _("The coordinator returned the answer; it can be changed and sent again."),
    ),
    events.ANSWER_ACCEPTED: (
        (_responders,),
        _("Answer accepted"),
        _("The requesting authority accepted the answer; the request is closed."),
    ),
    events.FOLLOW_UP_ASKED: (
        (_responders,),
        _("Follow-up question"),
        _("The requesting authority asked a follow-up question."),
    ),
    events.WITHDRAWN: (
        (_withdrawn,),
        _("Information request withdrawn"),
        _("The requesting authority withdrew the information request."),
    ),
    events.REFERRED: (
        (_mediator,),
        _("Information request referred to you"),
        _("An information request was referred to you as coordinator for mediation."),
    ),
    events.MEDIATION_MESSAGE: (
        (_mediator, _mediation_parties),
        _("New message in a mediation"),
        _("There is a new message in the mediation about an information request."),
    ),
    events.MEDIATION_ENDED: (
        (_mediation_parties,),
        _("Mediation ended"),
        _("The coordinator ended the mediation about an information request."),
    ),
    events.MEDIATION_ENDED_WITH_REQUEST: (
        (_mediator,),
        _("Mediation ended"),
        _(
            "An information request in your mediation was closed, withdrawn or rejected; "
            "the mediation has ended."
        ),
    ),
}


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    user: User | None
    authority_id: int | None


def recipients_for(event: RequestEvent) -> list[Recipient]:
    """Everyone to write to about ``event``, once each, the actor left out."""
    rule = RULES.get(event.code)
    if rule is None:
        return []
    info_request = event.info_request
    audience = Audience()
    for group in rule[0]:
        audience += group(info_request, event)
    recipients: dict[str, Recipient] = {}
    for user in audience.users:
        if user.pk == event.actor_id or not user.email:
            continue
        recipients.setdefault(
            user.email.lower(), Recipient(user.email, user.language, user, user.authority_id)
        )
    authorities = Authority.objects.filter(pk__in=set(audience.authorities)).order_by("pk")
    for authority in authorities:
        if authority.email:
            recipients.setdefault(
                authority.email.lower(),
                Recipient(authority.email, authority.language_id, None, authority.pk),
            )
    return list(recipients.values())


def for_event(event: RequestEvent) -> list[OutboxMessage]:
    """Write the outbox rows for ``event``; call inside the transaction that wrote it.

    The e-mail differs between recipients only by language, so it is rendered once per
    language, and the rows are written together (``outbox_enqueue_many``): the queries do not
    grow with the number of recipients. Returns the rows written (none when called again).
    """
    rule = RULES.get(event.code)
    if rule is None:
        return []
    recipients = recipients_for(event)
    if not recipients:
        return []
    info_request = _with_texts(event.info_request_id)
    _, subject, sentence = rule
    texts: dict[str, tuple[str, str, str]] = {}  # language -> subject, text, link
    messages = []
    for recipient in recipients:
        if recipient.language not in texts:
            texts[recipient.language] = _render(info_request, recipient.language, subject, sentence)
        subject_text, body_text, link = texts[recipient.language]
        messages.append(
            OutboxMessage(
                key=f"exchange:{event.pk}:{recipient.email.lower()}",
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
    # Request news may wait for the recipient's daily digest (notifications).
    return outbox_enqueue_many(messages=messages, digestible=True)


def _render(
    info_request: InformationRequest, language: str, subject: str, sentence: str
) -> tuple[str, str, str]:
    """The e-mail's subject, text and link in ``language``."""
    with translation.override(language):
        context = _context(info_request, language, subject, sentence)
        subject_text = render_to_string(f"{TEMPLATE_DIR}/request_event.subject.txt", context)
        body_text = render_to_string(f"{TEMPLATE_DIR}/request_event.body.txt", context)
    return subject_text, body_text.strip() + "\n", str(context["link"])


def request_link(info_request_id: int) -> str:
    """The absolute address of the request's page."""
    try:
        path = reverse("exchange:detail", kwargs={"pk": info_request_id})
    except NoReverseMatch:
        path = f"/requests/{info_request_id}/"
    return f"{settings.SITE_URL}{path}"


def _with_texts(info_request_id: int) -> InformationRequest:
    """The request with what the e-mail shows (never its personal data)."""
    from openimi.exchange.models import InformationRequest

    return (
        InformationRequest.objects.select_related(
            "area", "question_set", "requesting_authority", "responding_authority"
        )
        .prefetch_related(
            "requesting_authority__translations", "responding_authority__translations"
        )
        .only(
            "pk",
            "status",
            "is_practice",
            "reply_by",
            "acceptance_deadline",
            "rejection_reason",
            "area__names",
            "question_set__titles",
            *(f"requesting_authority__{name}" for name in _AUTHORITY_FIELDS),
            *(f"responding_authority__{name}" for name in _AUTHORITY_FIELDS),
        )
        .get(pk=info_request_id)
    )


_AUTHORITY_FIELDS = ("informal_title", "language", "official_name", "kind")


def _context(
    info_request: InformationRequest,
    language: str,
    subject: str,
    sentence: str,
) -> dict[str, object]:
    responding = info_request.responding_authority
    return {
        "reference": info_request.reference,
        "subject": subject,
        "sentence": sentence,
        "is_practice": info_request.is_practice,
        "area": translated(info_request.area.names, language),
        "question_set": (
            translated(info_request.question_set.titles, language)
            if info_request.question_set
            else ""
        ),
        "requesting_authority": info_request.requesting_authority.title_for(language)[0],
        "responding_authority": responding.title_for(language)[0] if responding else "",
        "status": info_request.get_status_display(),
        "reply_by": info_request.reply_by,
        "acceptance_deadline": info_request.acceptance_deadline,
        "status_is_awaiting_acceptance": info_request.status == State.AWAITING_ACCEPTANCE,
        "rejection_reason": info_request.get_rejection_reason_display()
        if info_request.rejection_reason
        else "",
        "link": request_link(info_request.pk),
    }


def on_published(sender, *, event: RequestEvent, **kwargs) -> None:
    """``exchange.events.published`` receiver: the event's e-mails."""
    for_event(event)
