"""The workflow transitions after sending: one service per transition (DESIGN rule 2).

Each one: ``begin`` (lock, may the actor see it, does the state table allow it, may the actor
do it), change the request, ``finish`` (save ``update_fields``, event, note, outbox), all in
one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import requests as rules
from openimi.access.policy import Action
from openimi.common.errors import ApplicationError
from openimi.exchange import events
from openimi.exchange.files import check_upload
from openimi.exchange.models import Attachment, InformationRequest, RequestMessage, Side
from openimi.exchange.services._base import (
    IncompleteError,
    begin,
    check_reply_date,
    deliver,
    end_mediation_with_request,
    finish,
    language_of,
    lock,
    required_text,
)
from openimi.exchange.services.answers import incomplete_questions, release_answers
from openimi.exchange.workflow import State, Transition

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority

Audience = events.Audience
Kind = RequestMessage.Kind


def request_approve(*, info_request: InformationRequest, actor: User) -> InformationRequest:
    """The supervising coordinator approves what awaits its approval: the outgoing request
    (it is sent to the responding authority) or the answer (it is sent to the requester)."""
    with transaction.atomic():
        info_request, current, target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.APPROVE,
            action=Action.REQUEST_APPROVE,
        )
        info_request.status = target
        if current == State.AWAITING_APPROVAL:
            fields = ["status", *deliver(info_request)]
            finish(
                info_request=info_request,
                actor=actor,
                code=events.APPROVED,
                from_status=current,
                fields=fields,
                audience=Audience.REQUESTING,
            )
            finish(
                info_request=info_request,
                actor=actor,
                code=events.SENT,
                from_status=current,
                fields=[],
                data={"to_authority": info_request.responding_authority_id},
            )
        else:
            info_request.answered_at = timezone.now()
            release_answers(info_request)
            fields = ["status", "answered_at"]
            finish(
                info_request=info_request,
                actor=actor,
                code=events.ANSWER_APPROVED,
                from_status=current,
                fields=fields,
                audience=Audience.RESPONDING,
            )
            finish(
                info_request=info_request,
                actor=actor,
                code=events.ANSWERED,
                from_status=current,
                fields=[],
            )
    return info_request


def request_return(
    *, info_request: InformationRequest, actor: User, note: str, note_language: str = ""
) -> InformationRequest:
    """The supervising coordinator returns what awaits its approval, saying why: the request
    becomes a draft again, or the answer can be changed again."""
    note = required_text(note, field="note", message=_("Say why you return it."))
    with transaction.atomic():
        info_request, current, target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.RETURN,
            action=Action.REQUEST_RETURN,
        )
        language = language_of(note, note_language, actor, field="note_language")
        info_request.status = target
        outgoing = current == State.AWAITING_APPROVAL
        finish(
            info_request=info_request,
            actor=actor,
            code=events.RETURNED if outgoing else events.ANSWER_RETURNED,
            from_status=current,
            fields=["status"],
            audience=Audience.REQUESTING if outgoing else Audience.RESPONDING,
            note=(Kind.RETURN_NOTE, note, language),
        )
    return info_request


def request_accept(
    *, info_request: InformationRequest, actor: User, reply_by: dt.date | None = None
) -> InformationRequest:
    """Accept an incoming request: the actor's authority becomes responsible for answering.
    ``reply_by`` proposes another reply date than the one requested."""
    check_reply_date(reply_by)
    with transaction.atomic():
        info_request, current, target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.ACCEPT,
            action=Action.REQUEST_ACCEPT,
        )
        info_request.status = target
        info_request.accepted_at = timezone.now()
        fields = ["status", "accepted_at"]
        data = {}
        if reply_by is not None and reply_by != info_request.reply_by:
            data = {
                "requested_reply_by": _iso(info_request.reply_by),
                "reply_by": reply_by.isoformat(),
            }
            info_request.reply_by = reply_by
            fields.append("reply_by")
        finish(
            info_request=info_request,
            actor=actor,
            code=events.ACCEPTED,
            from_status=current,
            fields=fields,
            data=data,
        )
    return info_request


def request_forward(
    *,
    info_request: InformationRequest,
    actor: User,
    to_authority: Authority,
    note: str = "",
    note_language: str = "",
) -> InformationRequest:
    """Forward the request to another authority of the same member state, or to a coordinator,
    with a note; it awaits acceptance there, and its allocations end."""
    with transaction.atomic():
        info_request, current, target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.FORWARD,
            action=Action.REQUEST_FORWARD,
        )
        language = language_of(note, note_language, actor, field="note_language")
        from_authority = info_request.responding_authority
        assert from_authority is not None  # a request is forwarded by its responder
        if to_authority.pk in (from_authority.pk, info_request.requesting_authority_id):
            raise ApplicationError(
                _("Choose another authority than the two in this request."), field="to_authority"
            )
        if to_authority.country_id != from_authority.country_id:
            raise ApplicationError(
                _("A request can be forwarded only within the same member state."),
                field="to_authority",
            )
        if not rules.can_receive_requests(to_authority, info_request.area):
            raise ApplicationError(
                _("This authority does not receive requests in this legislative area."),
                field="to_authority",
            )
        info_request.allocations.filter(is_active=True).update(
            is_active=False, ended_at=timezone.now()
        )
        info_request.status = target
        info_request.responding_authority = to_authority
        info_request.accepted_at = None
        fields = ["status", "responding_authority", "accepted_at", *deliver(info_request)]
        finish(
            info_request=info_request,
            actor=actor,
            code=events.FORWARDED,
            from_status=current,
            fields=fields,
            data={"from_authority": from_authority.pk, "to_authority": to_authority.pk},
            note=(Kind.FORWARD_NOTE, note, language),
        )
    return info_request


def request_reject(
    *,
    info_request: InformationRequest,
    actor: User,
    reason: str,
    note: str = "",
    note_language: str = "",
) -> InformationRequest:
    """Reject, only on the two permitted grounds and only where the authority may reject."""
    if reason not in InformationRequest.RejectionReason.values:
        raise ApplicationError(
            _("A request can be rejected only as insufficiently motivated or outside the scope."),
            field="reason",
        )
    with transaction.atomic():
        info_request, current, target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.REJECT,
            action=Action.REQUEST_REJECT,
        )
        language = language_of(note, note_language, actor, field="note_language")
        info_request.status = target
        info_request.rejection_reason = reason
        info_request.closed_at = timezone.now()
        finish(
            info_request=info_request,
            actor=actor,
            code=events.REJECTED,
            from_status=current,
            fields=["status", "rejection_reason", "closed_at"],
            data={"reason": reason},
            note=(Kind.REJECTION_NOTE, note, language),
        )
        end_mediation_with_request(info_request=info_request, actor=actor)
    return info_request


def request_request_info(
    *, info_request: InformationRequest, actor: User, text: str, language: str = ""
) -> InformationRequest:
    """Ask the requesting authority for more information before answering."""
    text = required_text(text, field="text", message=_("Say what information you need."))
    return _simple(
        info_request=info_request,
        actor=actor,
        transition=Transition.REQUEST_INFO,
        action=Action.REQUEST_REQUEST_INFO,
        code=events.INFORMATION_REQUESTED,
        note=(Kind.INFORMATION_REQUEST, text, language),
    )


def request_provide_info(
    *,
    info_request: InformationRequest,
    actor: User,
    text: str,
    language: str = "",
    files: Iterable[UploadedFile] = (),
) -> InformationRequest:
    """Give the information asked for, as text and optionally documents."""
    text = required_text(text, field="text", message=_("Give the information asked for."))
    files = list(files)
    with transaction.atomic():
        info_request, current, target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.PROVIDE_INFO,
            action=Action.REQUEST_PROVIDE_INFO,
        )
        language = language_of(text, language, actor, field="language")
        count = info_request.attachments.count()
        checked = [check_upload(file, existing_count=count + i) for i, file in enumerate(files)]
        stored = []
        try:
            for file, info in zip(files, checked, strict=True):
                attachment = Attachment(
                    info_request=info_request,
                    side=Side.REQUESTING,
                    original_name=info.name,
                    content_type=info.content_type,
                    size=info.size,
                    sha256=info.sha256,
                    uploaded_by=actor,
                    released_at=timezone.now(),
                )
                attachment.file.save(info.name, file, save=False)
                stored.append(attachment)
                attachment.save()
            info_request.status = target
            finish(
                info_request=info_request,
                actor=actor,
                code=events.INFORMATION_PROVIDED,
                from_status=current,
                fields=["status"],
                data={"attachments": [attachment.pk for attachment in stored]},
                note=(Kind.INFORMATION, text, language),
            )
        except BaseException:
            for attachment in stored:
                if attachment.file.name:
                    attachment.file.storage.delete(attachment.file.name)
            raise
    return info_request


def request_answer(*, info_request: InformationRequest, actor: User) -> InformationRequest:
    """Send the answers: to the requester, or first to the coordinator when the responding
    authority needs its coordinator's approval. Every question needs a complete answer."""
    with transaction.atomic():
        locked = lock(info_request)
        needs_approval = rules.answer_needs_approval(locked)
        transition = Transition.ANSWER_FOR_APPROVAL if needs_approval else Transition.ANSWER
        info_request, current, target = begin(
            info_request=locked, actor=actor, transition=transition, action=Action.REQUEST_ANSWER
        )
        missing = incomplete_questions(info_request)
        if missing:
            raise IncompleteError(
                _("Answer every question before sending the answer."),
                {code: _("This question has no complete answer.") for code in missing},
            )
        if (
            needs_approval
            and rules.supervising_coordinator_id(info_request, rules.RESPONDING) is None
        ):
            raise ApplicationError(
                _(
                    "Your authority's answers need a coordinator's approval, but no supervising "
                    "coordinator is registered. Ask your local data administrator."
                )
            )
        info_request.status = target
        if needs_approval:
            finish(
                info_request=info_request,
                actor=actor,
                code=events.ANSWER_SENT_FOR_APPROVAL,
                from_status=current,
                fields=["status"],
                audience=Audience.RESPONDING,
            )
        else:
            info_request.answered_at = timezone.now()
            release_answers(info_request)
            finish(
                info_request=info_request,
                actor=actor,
                code=events.ANSWERED,
                from_status=current,
                fields=["status", "answered_at"],
            )
    return info_request


def request_accept_answer(*, info_request: InformationRequest, actor: User) -> InformationRequest:
    """The requester accepts the answer: the request is closed."""
    with transaction.atomic():
        info_request, current, target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.ACCEPT_ANSWER,
            action=Action.REQUEST_ACCEPT_ANSWER,
        )
        info_request.status = target
        info_request.closed_at = timezone.now()
        finish(
            info_request=info_request,
            actor=actor,
            code=events.ANSWER_ACCEPTED,
            from_status=current,
            fields=["status", "closed_at"],
        )
        end_mediation_with_request(info_request=info_request, actor=actor)
    return info_request


def request_ask_follow_up(
    *, info_request: InformationRequest, actor: User, text: str, language: str = ""
) -> InformationRequest:
    """The requester asks a follow-up question: the request is open for answering again."""
    text = required_text(text, field="text", message=_("Write the follow-up question."))
    return _simple(
        info_request=info_request,
        actor=actor,
        transition=Transition.ASK_FOLLOW_UP,
        action=Action.REQUEST_ASK_FOLLOW_UP,
        code=events.FOLLOW_UP_ASKED,
        note=(Kind.FOLLOW_UP, text, language),
    )


def request_withdraw(
    *, info_request: InformationRequest, actor: User, note: str = "", note_language: str = ""
) -> InformationRequest:
    """The requester withdraws a request that is still open."""
    with transaction.atomic():
        info_request, current, target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.WITHDRAW,
            action=Action.REQUEST_WITHDRAW,
        )
        language = language_of(note, note_language, actor, field="note_language")
        info_request.status = target
        info_request.closed_at = timezone.now()
        finish(
            info_request=info_request,
            actor=actor,
            code=events.WITHDRAWN,
            from_status=current,
            fields=["status", "closed_at"],
            note=(Kind.WITHDRAWAL_NOTE, note, language),
        )
        end_mediation_with_request(info_request=info_request, actor=actor)
    return info_request


def _simple(
    *,
    info_request: InformationRequest,
    actor: User,
    transition: Transition,
    action: Action,
    code: str,
    note: tuple[str, str, str],
) -> InformationRequest:
    """A transition that only changes the status and keeps a note."""
    kind, text, language = note
    with transaction.atomic():
        info_request, current, target = begin(
            info_request=info_request, actor=actor, transition=transition, action=action
        )
        language = language_of(text, language, actor, field="language")
        info_request.status = target
        finish(
            info_request=info_request,
            actor=actor,
            code=code,
            from_status=current,
            fields=["status"],
            note=(kind, text, language),
        )
    return info_request


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
