"""Composing a request: the draft, its questions, personal data and attachments, and sending.

The compose pages call these one step at a time (area → question set → questions → personal
data → justification → attachments → recipient → reply date → review → send); every step saves,
so a draft can be left and resumed. Only ``request_send`` checks that the draft is complete.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access import requests as rules
from openimi.access.policy import Action
from openimi.common.errors import ApplicationError
from openimi.exchange import events
from openimi.exchange.files import check_upload
from openimi.exchange.models import (
    Attachment,
    InformationRequest,
    PersonalData,
    Question,
    QuestionSet,
    RequestQuestion,
    Side,
)
from openimi.exchange.services._base import (
    UNSET,
    IncompleteError,
    _Unset,
    begin,
    check_reply_date,
    deliver,
    finish,
    language_of,
    lock,
    today,
)
from openimi.exchange.workflow import State, Transition

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority, LegislativeArea

audit = logging.getLogger("openimi.audit")
Audience = events.Audience


def request_create_draft(
    *,
    actor: User,
    area: LegislativeArea,
    question_set: QuestionSet | None = None,
    responding_authority: Authority | None = None,
) -> InformationRequest:
    """Start a request of the actor's authority in ``area`` (the actor handles requests there)."""
    policy.require(actor, Action.REQUEST_CREATE, area)
    assert actor.authority_id is not None  # the policy admitted an authority's user
    with transaction.atomic():
        info_request = InformationRequest(
            requesting_authority_id=actor.authority_id,
            requesting_user=actor,
            area=area,
            justification_language=(actor.language or "").lower(),
        )
        if question_set is not None:
            _check_question_set(info_request, question_set)
            info_request.question_set = question_set
            info_request.is_practice = question_set.is_practice
        if responding_authority is not None:
            _check_recipient(info_request, responding_authority)
            info_request.responding_authority = responding_authority
        info_request.save()
        events.record(info_request, actor, events.CREATED, audience=Audience.REQUESTING)
    return info_request


def request_update_draft(
    *,
    info_request: InformationRequest,
    actor: User,
    area: LegislativeArea | _Unset = UNSET,
    question_set: QuestionSet | None | _Unset = UNSET,
    questions: Sequence[Question] | _Unset = UNSET,
    responding_authority: Authority | None | _Unset = UNSET,
    reply_by: dt.date | None | _Unset = UNSET,
    justification: str | _Unset = UNSET,
    justification_language: str | _Unset = UNSET,
) -> InformationRequest:
    """Change what was given of a draft; arguments not given stay as they are.

    Changing the area drops the question set; changing the question set drops the questions
    that are not in it. ``questions`` replaces the asked questions, in the order given.
    """
    with transaction.atomic():
        info_request, current, _target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.EDIT_DRAFT,
            action=Action.REQUEST_EDIT_DRAFT,
        )
        changed: list[str] = []
        if not isinstance(area, _Unset) and area.pk != info_request.area_id:
            policy.require(actor, Action.REQUEST_CREATE, area)
            info_request.area = area
            changed.append("area")
            if info_request.question_set_id is not None and isinstance(question_set, _Unset):
                question_set = None
        if not isinstance(question_set, _Unset) and (
            (question_set.pk if question_set else None) != info_request.question_set_id
        ):
            if question_set is not None:
                _check_question_set(info_request, question_set)
            info_request.question_set = question_set
            info_request.is_practice = bool(question_set and question_set.is_practice)
            changed += ["question_set", "is_practice"]
            stale = info_request.request_questions.all()
            if question_set is not None:
                stale = stale.exclude(question__question_set=question_set)
            stale.delete()
        if not isinstance(questions, _Unset) and _set_questions(info_request, questions):
            changed.append("questions")
        if not isinstance(responding_authority, _Unset) and (
            (responding_authority.pk if responding_authority else None)
            != info_request.responding_authority_id
        ):
            if responding_authority is not None:
                _check_recipient(info_request, responding_authority)
            info_request.responding_authority = responding_authority
            changed.append("responding_authority")
        if not isinstance(reply_by, _Unset) and reply_by != info_request.reply_by:
            check_reply_date(reply_by)
            info_request.reply_by = reply_by
            changed.append("reply_by")
        before = (info_request.justification, info_request.justification_language)
        if not isinstance(justification, _Unset):
            info_request.justification = justification.strip()
        if not isinstance(justification_language, _Unset):
            info_request.justification_language = justification_language.strip().lower()
        info_request.justification_language = language_of(
            info_request.justification,
            info_request.justification_language,
            actor,
            field="justification_language",
        )
        if (info_request.justification, info_request.justification_language) != before:
            changed += ["justification", "justification_language"]
        if not changed:
            return info_request
        finish(
            info_request=info_request,
            actor=actor,
            code=events.DRAFT_UPDATED,
            from_status=current,
            fields=[name for name in changed if name != "questions"] or ["updated_at"],
            data={"fields": sorted(set(changed))},
            audience=Audience.REQUESTING,
        )
    return info_request


def request_set_personal_data(
    *, info_request: InformationRequest, actor: User, data: Mapping[str, Any]
) -> PersonalData:
    """Set the service provider's personal data of a draft (the fields of ``PersonalData``).

    The event names the fields that changed, never their values.
    """
    allowed = set(PersonalData.data_fields())
    unknown = set(data) - allowed - {"country_id"}
    if unknown:
        raise ApplicationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        info_request, current, _target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.EDIT_DRAFT,
            action=Action.REQUEST_EDIT_DRAFT,
        )
        personal_data = PersonalData.objects.filter(info_request=info_request).first()
        if personal_data is None:
            personal_data = PersonalData(info_request=info_request)
        changed = []
        for name, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(personal_data, name) != value:
                setattr(personal_data, name, value)
                changed.append(name.removesuffix("_id"))
        try:
            personal_data.full_clean(exclude=["info_request"])
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise ApplicationError(" ".join(messages), field=field) from error
        if not changed and personal_data.pk:
            return personal_data
        personal_data.save()
        finish(
            info_request=info_request,
            actor=actor,
            code=events.PERSONAL_DATA_UPDATED,
            from_status=current,
            fields=["updated_at"],
            data={"fields": sorted(changed)},
            audience=Audience.REQUESTING,
        )
    return personal_data


def request_add_attachment(
    *,
    info_request: InformationRequest,
    actor: User,
    file: UploadedFile,
    request_question: RequestQuestion | None = None,
) -> Attachment:
    """Attach a document: to a draft (the requesting side), or to an answer (the responding
    side, while it may edit its answers: then ``request_question`` is required and the
    document is shared when the answer is sent)."""
    with transaction.atomic():
        locked = lock(info_request)
        if locked.status == State.DRAFT:
            transition, action, side = (
                Transition.EDIT_DRAFT,
                Action.REQUEST_EDIT_DRAFT,
                Side.REQUESTING,
            )
        else:
            transition, action, side = (
                Transition.EDIT_ANSWER,
                Action.REQUEST_ANSWER,
                Side.RESPONDING,
            )
        info_request, current, _target = begin(
            info_request=locked, actor=actor, transition=transition, action=action
        )
        if request_question is not None and request_question.info_request_id != info_request.pk:
            raise ApplicationError(_("That question is not part of this request."))
        if side == Side.RESPONDING and request_question is None:
            raise ApplicationError(_("Choose the question the document answers."))
        checked = check_upload(file, existing_count=info_request.attachments.count())
        attachment = Attachment(
            info_request=info_request,
            request_question=request_question,
            side=side,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
            released_at=timezone.now() if side == Side.REQUESTING else None,
        )
        attachment.file.save(checked.name, file, save=False)
        try:
            attachment.save()
            finish(
                info_request=info_request,
                actor=actor,
                code=events.ATTACHMENT_ADDED,
                from_status=current,
                fields=["updated_at"],
                data={
                    "attachment": attachment.pk,
                    "question": request_question.pk if request_question else None,
                },
                audience=Audience.REQUESTING if side == Side.REQUESTING else Audience.RESPONDING,
            )
        except BaseException:
            # The row will not exist: do not keep its file (a later rollback of an outer
            # transaction can still leave one behind; the retention job sweeps orphans).
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
            raise
    return attachment


def request_remove_attachment(*, attachment: Attachment, actor: User) -> None:
    """Remove a document that the other side has not received yet."""
    with transaction.atomic():
        if attachment.side == Side.REQUESTING:
            transition, action = Transition.EDIT_DRAFT, Action.REQUEST_EDIT_DRAFT
        else:
            transition, action = Transition.EDIT_ANSWER, Action.REQUEST_ANSWER
        info_request, current, _target = begin(
            info_request=attachment.info_request_id,
            actor=actor,
            transition=transition,
            action=action,
        )
        found = Attachment.objects.filter(pk=attachment.pk, info_request=info_request).first()
        if found is None:
            raise ApplicationError(_("This document was already removed."))
        if found.side == Side.RESPONDING and found.released_at is not None:
            raise ApplicationError(_("This document was already sent and cannot be removed."))
        name, storage, pk, side = (
            found.file.name,
            found.file.storage,
            found.pk,
            found.side,
        )
        found.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))
        finish(
            info_request=info_request,
            actor=actor,
            code=events.ATTACHMENT_REMOVED,
            from_status=current,
            fields=["updated_at"],
            data={"attachment": pk},
            audience=Audience.REQUESTING if side == Side.REQUESTING else Audience.RESPONDING,
        )


def request_delete_draft(*, info_request: InformationRequest, actor: User) -> None:
    """Delete a draft that will not be sent, with its personal data and documents."""
    with transaction.atomic():
        info_request, _current, _target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.EDIT_DRAFT,
            action=Action.REQUEST_EDIT_DRAFT,
        )
        files = [
            (a.file.name, a.file.storage) for a in info_request.attachments.all() if a.file.name
        ]
        pk = info_request.pk
        info_request.delete()
        for name, storage in files:
            transaction.on_commit(partial(storage.delete, name))
        audit.info("request.draft_deleted id=%s by=%s", pk, actor.pk)


def draft_problems(info_request: InformationRequest) -> dict[str, str]:
    """What a draft still lacks before it can be sent (field -> message); empty when ready."""
    problems: dict[str, str] = {}
    if info_request.question_set_id is None:
        problems["question_set"] = _("Choose a question set.")
    if not info_request.request_questions.exists():
        problems["questions"] = _("Choose at least one question.")
    personal_data = PersonalData.objects.filter(info_request=info_request).first()
    if personal_data is None or not personal_data.provider_name:
        problems["personal_data"] = _("Give the name of the service provider.")
    if not info_request.justification.strip():
        problems["justification"] = _(
            "Explain why you need this information: a request that is not sufficiently "
            "motivated may be rejected."
        )
    if info_request.responding_authority_id is None:
        problems["responding_authority"] = _("Choose the authority to send the request to.")
    if info_request.reply_by is None:
        problems["reply_by"] = _("Give the date by which you would like a reply.")
    elif info_request.reply_by <= today():
        problems["reply_by"] = _("The reply date must be after today.")
    return problems


def request_send(*, info_request: InformationRequest, actor: User) -> InformationRequest:
    """Send a complete draft: to the responding authority, or first to the coordinator when the
    requesting authority needs its coordinator's approval."""
    with transaction.atomic():
        locked = lock(info_request)
        transition = (
            Transition.SEND_FOR_APPROVAL
            if rules.outgoing_needs_approval(locked)
            else Transition.SEND
        )
        info_request, current, target = begin(
            info_request=locked, actor=actor, transition=transition, action=Action.REQUEST_SEND
        )
        problems = draft_problems(info_request)
        if problems:
            raise IncompleteError(_("The request cannot be sent yet."), problems)
        assert info_request.responding_authority is not None  # draft_problems checked it
        _check_recipient(info_request, info_request.responding_authority)
        if transition == Transition.SEND_FOR_APPROVAL and (
            rules.supervising_coordinator_id(info_request, rules.REQUESTING) is None
        ):
            raise ApplicationError(
                _(
                    "Your authority's requests need a coordinator's approval, but no "
                    "supervising coordinator is registered. Ask your local data administrator."
                )
            )
        info_request.status = target
        fields = ["status"]
        if transition == Transition.SEND:
            fields += deliver(info_request)
        finish(
            info_request=info_request,
            actor=actor,
            code=events.SENT if transition == Transition.SEND else events.SENT_FOR_APPROVAL,
            from_status=current,
            fields=fields,
            data={"to_authority": info_request.responding_authority_id},
            audience=Audience.ALL if transition == Transition.SEND else Audience.REQUESTING,
        )
    return info_request


# --- checks ---------------------------------------------------------------------------------


def _check_question_set(info_request: InformationRequest, question_set: QuestionSet) -> None:
    if question_set.area_id != info_request.area_id or not question_set.is_active:
        raise ApplicationError(
            _("This question set cannot be used in this legislative area."), field="question_set"
        )
    if not question_set.is_available():
        assert question_set.available_until is not None  # active, so its last day has passed
        raise ApplicationError(
            _("This question set could be chosen until %(date)s. Choose another question set.")
            % {"date": date_format(question_set.available_until, "DATE_FORMAT")},
            field="question_set",
        )


def _check_recipient(info_request: InformationRequest, authority: Authority) -> None:
    """Any authority of any member state (or the own country) registered for the area."""
    if authority.pk == info_request.requesting_authority_id:
        raise ApplicationError(
            _("A request cannot be sent to your own authority."), field="responding_authority"
        )
    if not rules.can_receive_requests(authority, info_request.area):
        raise ApplicationError(
            _("This authority does not receive requests in this legislative area."),
            field="responding_authority",
        )


def _set_questions(info_request: InformationRequest, questions: Sequence[Question]) -> bool:
    """Replace the asked questions; returns whether anything changed."""
    wanted = list(dict.fromkeys(question.pk for question in questions))
    if len(wanted) != len(questions):
        raise ApplicationError(_("A question can be asked only once."), field="questions")
    if not wanted:
        return info_request.request_questions.all().delete()[0] > 0
    valid = set(
        Question.objects.filter(
            pk__in=wanted, question_set_id=info_request.question_set_id, is_active=True
        ).values_list("pk", flat=True)
    )
    if info_request.question_set_id is None or valid != set(wanted):
        raise ApplicationError(
            _("Choose questions of the request's question set."), field="questions"
        )
    existing = {rq.question_id: rq for rq in info_request.request_questions.all()}
    before = [qid for qid, _rq in sorted(existing.items(), key=lambda item: item[1].position)]
    if before == wanted:
        return False
    info_request.request_questions.exclude(question_id__in=wanted).delete()
    to_update, to_create = [], []
    for position, question_id in enumerate(wanted, start=1):
        rq = existing.get(question_id)
        if rq is None:
            to_create.append(
                RequestQuestion(
                    info_request=info_request, question_id=question_id, position=position
                )
            )
        elif rq.position != position:
            rq.position = position
            to_update.append(rq)
    RequestQuestion.objects.bulk_create(to_create)
    RequestQuestion.objects.bulk_update(to_update, ["position"])
    return True
