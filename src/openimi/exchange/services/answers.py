"""Answering: saving the answer to one question, and what makes a set of answers complete.

An answer is a typed value that fits the question's answer type, or one of the standard
answers the question allows (then the typed value is dropped), plus optional free text in a
stated language. Document questions are answered by attaching documents to the question
(``request_add_attachment``) or with a standard answer.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access.policy import Action
from openimi.common.errors import ApplicationError
from openimi.exchange import events
from openimi.exchange.models import (
    Answer,
    Attachment,
    InformationRequest,
    Question,
    RequestQuestion,
    Side,
    StandardAnswer,
)
from openimi.exchange.services._base import ConcurrentChangeError, begin, finish, language_of
from openimi.exchange.workflow import Transition

if TYPE_CHECKING:
    from openimi.accounts.models import User

AnswerType = Question.AnswerType
_YES_NO = {"yes", "no"}
_YES_NO_UNKNOWN = {"yes", "no", "unknown"}


def answer_save(
    *,
    info_request: InformationRequest,
    actor: User,
    request_question: RequestQuestion,
    value: Any = None,
    standard_answer: StandardAnswer | None = None,
    free_text: str = "",
    free_text_language: str = "",
    base_version: int | None = None,
) -> Answer:
    """Save the answer to one asked question (not yet sent: ``request_answer`` sends them).

    ``base_version`` is the ``Answer.version`` the actor started from; when someone else saved
    the answer meanwhile, ``ConcurrentChangeError`` is raised instead of overwriting their work.
    """
    with transaction.atomic():
        info_request, current, _target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.EDIT_ANSWER,
            action=Action.REQUEST_ANSWER,
        )
        try:
            request_question = RequestQuestion.objects.select_related("question").get(
                pk=request_question.pk, info_request=info_request
            )
        except RequestQuestion.DoesNotExist:
            raise ApplicationError(_("That question is not part of this request.")) from None
        question = request_question.question
        if standard_answer is not None:
            if not question.standard_answers.filter(pk=standard_answer.pk).exists():
                raise ApplicationError(
                    _("This standard answer cannot be given to this question."),
                    field="standard_answer",
                )
            value = None
        else:
            value = clean_value(question, value, free_text)
        free_text = (free_text or "").strip()
        language = language_of(free_text, free_text_language, actor, field="free_text_language")
        answer = Answer.objects.filter(request_question=request_question).first()
        if answer is not None and base_version is not None and answer.version != base_version:
            raise ConcurrentChangeError(
                _(
                    "Someone else changed this answer while you were editing it. Reload the "
                    "request, check their answer and save yours again if needed."
                )
            )
        if answer is None:
            answer = Answer(request_question=request_question, version=0)
        elif (answer.value, answer.standard_answer_id, answer.free_text) == (
            value,
            standard_answer.pk if standard_answer else None,
            free_text,
        ) and answer.free_text_language == (language if free_text else ""):
            return answer  # saved as shown: nothing changed, no new version, no event
        answer.value = value
        answer.standard_answer = standard_answer
        answer.free_text = free_text
        answer.free_text_language = language if free_text else ""
        answer.answered_by = actor
        answer.answered_at = timezone.now()
        answer.sent_at = None
        answer.version += 1
        answer.save()
        finish(
            info_request=info_request,
            actor=actor,
            code=events.ANSWER_SAVED,
            from_status=current,
            fields=["updated_at"],
            data={"question": question.code, "version": answer.version},
            audience=events.Audience.RESPONDING,
        )
    return answer


def clean_value(question: Question, value: Any, free_text: str) -> Any:
    """The typed answer as stored (JSON), or ``ApplicationError`` when it does not fit."""
    answer_type = question.answer_type
    if answer_type in (AnswerType.YES_NO, AnswerType.YES_NO_UNKNOWN):
        allowed = _YES_NO if answer_type == AnswerType.YES_NO else _YES_NO_UNKNOWN
        if value not in allowed:
            raise ApplicationError(_("Choose one of the answers."), field="value")
        return value
    if answer_type == AnswerType.CHOICE:
        if value not in question.choice_codes():
            raise ApplicationError(_("Choose one of the answers."), field="value")
        return value
    if answer_type == AnswerType.DATE:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            raise ApplicationError(_("Give a valid date."), field="value")
        return value.isoformat()
    if answer_type == AnswerType.FREE_TEXT:
        if not (free_text or "").strip():
            raise ApplicationError(_("Write the answer."), field="free_text")
        return None
    # Documents are attachments of the question; the value stays empty.
    return None


def incomplete_questions(info_request: InformationRequest) -> list[str]:
    """The codes of asked questions without a complete answer, in the order asked."""
    asked = info_request.request_questions.select_related("question", "answer").order_by(
        "position", "pk"
    )
    with_documents = set(
        Attachment.objects.filter(
            info_request=info_request, side=Side.RESPONDING, request_question__isnull=False
        ).values_list("request_question_id", flat=True)
    )
    missing = []
    for request_question in asked:
        answer = getattr(request_question, "answer", None)
        if answer is None:
            missing.append(request_question.question.code)
            continue
        if answer.standard_answer_id is not None:
            continue
        answer_type = request_question.question.answer_type
        if answer_type == AnswerType.DOCUMENT:
            complete = request_question.pk in with_documents
        elif answer_type == AnswerType.FREE_TEXT:
            complete = bool(answer.free_text)
        else:
            complete = answer.value is not None
        if not complete:
            missing.append(request_question.question.code)
    return missing


def release_answers(info_request: InformationRequest) -> None:
    """Let the requesting side see the answers and the answer documents (the answer is sent)."""
    now = timezone.now()
    Answer.objects.filter(request_question__info_request=info_request, sent_at__isnull=True).update(
        sent_at=now
    )
    Attachment.objects.filter(
        info_request=info_request, side=Side.RESPONDING, released_at__isnull=True
    ).update(released_at=now)
