"""The event log of requests (DESIGN rule 3): every change writes one ``RequestEvent``.

Events drive the timeline, the notifications (``exchange.notify``), statistics and the audit of
personal-data access. ``data`` carries codes, ids and dates only: never personal data and never
free text (a note goes to ``RequestMessage``, linked to its event).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

from openimi.exchange import via
from openimi.exchange.models import RequestEvent, RequestMessage

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.exchange.models import InformationRequest

Audience = RequestEvent.Audience

# Sent by ``publish`` inside the transaction that recorded the event, once it is complete
# (its note attached), with ``event=``. Who is told subscribes: the e-mails
# (``exchange.notify``, connected in ``ExchangeConfig.ready``) and the webhooks
# (``api.webhooks``, in ``ApiConfig.ready``). A receiver's rows are written in the same
# transaction, so they exist if and only if the change does.
published = Signal()

# Event codes (dotted, past tense).
CREATED = "request.created"
DRAFT_UPDATED = "request.draft_updated"
PERSONAL_DATA_UPDATED = "request.personal_data_updated"
ATTACHMENT_ADDED = "request.attachment_added"
ATTACHMENT_REMOVED = "request.attachment_removed"
SENT = "request.sent"
SENT_FOR_APPROVAL = "request.sent_for_approval"
APPROVED = "request.approved"
RETURNED = "request.returned"
ACCEPTED = "request.accepted"
FORWARDED = "request.forwarded"
REJECTED = "request.rejected"
ALLOCATED = "request.allocated"
# A local data administrator handed a leaver's part in the request to a colleague (seed 6.2):
# ``data`` holds the two users' ids and which part ("requester" or "handler").
HANDED_OVER = "request.handed_over"
# The requesting or responding authority was replaced by another: a merger, or the hand-over
# before an authority is deactivated (network.services.lifecycle).
AUTHORITY_MOVED = "request.authority_moved"
TAKEN = "request.taken"  # "I'll handle this" (no allocation): a handler took it
INFORMATION_REQUESTED = "request.information_requested"
INFORMATION_PROVIDED = "request.information_provided"
ANSWER_SAVED = "request.answer_saved"
ANSWERED = "request.answered"
ANSWER_SENT_FOR_APPROVAL = "request.answer_sent_for_approval"
ANSWER_APPROVED = "request.answer_approved"
ANSWER_RETURNED = "request.answer_returned"
ANSWER_ACCEPTED = "request.answer_accepted"
FOLLOW_UP_ASKED = "request.follow_up_asked"
WITHDRAWN = "request.withdrawn"
REFERRED = "request.referred_to_coordinator"
MEDIATION_MESSAGE = "request.mediation_message"
MEDIATION_ENDED = "request.mediation_ended"
# Closing, withdrawing or rejecting a request in mediation ends the mediation with it.
MEDIATION_ENDED_WITH_REQUEST = "request.mediation_ended_with_request"
PERSONAL_DATA_VIEWED = "request.personal_data_viewed"
ATTACHMENT_DOWNLOADED = "request.attachment_downloaded"
# Data-subject requests (privacy app): ``data`` holds the correction's or mark's id and the
# names of the fields changed, never their values.
PERSONAL_DATA_CORRECTED = "request.personal_data_corrected"
PERSONAL_DATA_CONTESTED = "request.personal_data_contested"
CONTEST_REMOVED = "request.personal_data_contest_removed"
# The retention job (no actor): the personal data left the exchange. ``data`` holds the
# lifecycle; the timeline, the report and the API say when.
PERSONAL_DATA_BLOCKED = "request.personal_data_blocked"
PERSONAL_DATA_DELETED = "request.personal_data_deleted"


def record(
    info_request: InformationRequest,
    actor: User | None,
    code: str,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
    *,
    audience: str = Audience.ALL,
) -> RequestEvent:
    """Append one event. ``to_status`` defaults to the request's status now; how the actor
    acted (web, API token, system) is the request's (``exchange.via``)."""
    channel = via.current()
    return RequestEvent.objects.create(
        info_request=info_request,
        actor=actor,
        actor_authority_id=getattr(actor, "authority_id", None),
        code=code,
        from_status=from_status or "",
        to_status=to_status or info_request.status,
        audience=audience,
        data=data or {},
        via=channel.via,
        api_token_id=channel.api_token_id,
    )


def record_personal_data_viewed(
    info_request: InformationRequest, actor: User | None, part: str
) -> RequestEvent:
    """One showing of the request's personal data, with where it was shown (``part``): the
    personal-data access log (``privacy``) lists these; no timeline shows them."""
    return record(
        info_request, actor, PERSONAL_DATA_VIEWED, data={"part": part}, audience=Audience.AUDIT
    )


def attach_note(
    event: RequestEvent, *, kind: str, author: User, text: str, language: str
) -> RequestMessage | None:
    """Keep the free text that came with ``event`` (nothing when the text is empty)."""
    if not text.strip():
        return None
    return RequestMessage.objects.create(
        info_request_id=event.info_request_id,
        event=event,
        kind=kind,
        audience=event.audience,
        author=author,
        text=text.strip(),
        language=language,
    )


def publish(event: RequestEvent) -> None:
    """Tell the subscribers (e-mails, webhooks) of ``event``; call in its transaction."""
    published.send(sender=RequestEvent, event=event)
