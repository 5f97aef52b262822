"""Writing question sets in the product (issue 19): the network administrator's editor.

A set is written as a DRAFT (offered to nobody, changed freely), then published. A published
version never changes: a change is a new version (a DRAFT copy numbered n+1, code
``<family>-v<n>``), and publishing it replaces the earlier version, which stays in the
database for the requests that were sent with it (they point at its rows). Every function
here is one transaction and asks the policy for ``NETWORK_ADMINISTER``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.authorities.models import LegislativeArea
from openimi.common import content_cache
from openimi.common.errors import ApplicationError
from openimi.exchange.models import InformationRequest, Question, QuestionSet, StandardAnswer

if TYPE_CHECKING:
    from openimi.accounts.models import User

# Lengths of the texts (the forms say the same).
TITLE_MAX = 200
DESCRIPTION_MAX = 2000
QUESTION_MAX = 1000
HELP_MAX = 2000
CHOICE_MAX = 200
# A later version's code is ``<family>-v<n>``: the family leaves room for the suffix.
SET_CODE_MAX = 70
QUESTION_CODE_MAX = 40
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

Texts = Mapping[str, str]


class DraftExistsError(ApplicationError):
    """The family already has a draft: the caller shows it instead of making another."""

    def __init__(self, draft: QuestionSet):
        super().__init__(
            _("This question set already has a draft of its next version: continue with it.")
        )
        self.draft = draft


def english() -> str:
    """The language every published text must have (the installation's own)."""
    return settings.LANGUAGE_CODE


def published_never_changes() -> str:
    return _("A published question set never changes: make a new version.")


# --- the set ---------------------------------------------------------------------------------


def question_set_create(
    *,
    actor: User,
    area: LegislativeArea,
    code: str,
    titles: Texts,
    descriptions: Texts | None = None,
    is_practice: bool = False,
    available_until: dt.date | None = None,
) -> QuestionSet:
    """A new question set: a DRAFT version 1 whose family is its code."""
    with transaction.atomic():
        policy.require(actor, Action.NETWORK_ADMINISTER)
        code = _check_code(code, SET_CODE_MAX, field="code")
        if QuestionSet.objects.filter(code=code).exists() or (
            QuestionSet.objects.filter(family=code).exists()
        ):
            raise ApplicationError(
                _("A question set with this code exists already. Choose another code."),
                field="code",
            )
        question_set = QuestionSet(
            code=code,
            family=code,
            version_number=1,
            status=QuestionSet.Status.DRAFT,
            area=area,
            is_practice=is_practice,
            available_until=available_until,
            titles=_texts(titles, TITLE_MAX, field="titles", required=True),
            descriptions=_texts(descriptions or {}, DESCRIPTION_MAX, field="descriptions"),
            position=_next_position(area),
        )
        question_set.save()
    return question_set


def question_set_update(
    *,
    actor: User,
    question_set: QuestionSet,
    titles: Texts | None = None,
    descriptions: Texts | None = None,
    is_practice: bool | None = None,
    available_until: dt.date | None | object = ...,
) -> QuestionSet:
    """Change a draft's titles, descriptions, practice flag or last day (what is given)."""
    with transaction.atomic():
        question_set = _lock_draft(actor, question_set)
        changed = []
        if titles is not None:
            question_set.titles = _texts(titles, TITLE_MAX, field="titles", required=True)
            changed.append("titles")
        if descriptions is not None:
            question_set.descriptions = _texts(descriptions, DESCRIPTION_MAX, field="descriptions")
            changed.append("descriptions")
        if is_practice is not None:
            question_set.is_practice = is_practice
            changed.append("is_practice")
        if available_until is not ...:
            question_set.available_until = available_until  # type: ignore[assignment]
            changed.append("available_until")
        if changed:
            question_set.save(update_fields=[*changed, "updated_at"])
    return question_set


def question_set_publish(*, actor: User, question_set: QuestionSet) -> QuestionSet:
    """Publish a draft: offered for new requests from now on; the family's earlier published
    version is replaced (SUPERSEDED, no longer offered) and kept for its requests."""
    with transaction.atomic():
        question_set = _lock_draft(actor, question_set)
        problems = question_set_publish_problems(question_set)
        if problems:
            raise ApplicationError(problems[0])
        earlier = QuestionSet.objects.select_for_update().filter(
            family=question_set.family, status=QuestionSet.Status.PUBLISHED
        )
        for old in earlier:
            old.status = QuestionSet.Status.SUPERSEDED
            old.is_active = False
            old.save(update_fields=["status", "is_active", "updated_at"])
        question_set.status = QuestionSet.Status.PUBLISHED
        question_set.published_at = timezone.now()
        question_set.is_active = True
        question_set.save(update_fields=["status", "published_at", "is_active", "updated_at"])
        content_cache.changed(directory=True)  # question set titles on every list
    return question_set


def question_set_publish_problems(question_set: QuestionSet) -> list[str]:
    """What stops a draft from being published, in the reader's language (empty: nothing)."""
    language = english()
    problems = []
    if not (question_set.titles.get(language) or "").strip():
        problems.append(_("Enter the title in English before publishing."))
    questions = list(question_set.questions.filter(is_active=True).order_by("position", "pk"))
    if not questions:
        problems.append(_("Add at least one question before publishing."))
    for question in questions:
        if not (question.texts.get(language) or "").strip():
            problems.append(
                _("Question %(code)s needs its text in English before publishing.")
                % {"code": question.code}
            )
        problems.extend(
            _("Option %(option)s of question %(code)s needs its text in English.")
            % {"option": choice["code"], "code": question.code}
            for choice in question.choices
            if not (choice.get("texts", {}).get(language) or "").strip()
        )
    return problems


def question_set_new_version(*, actor: User, question_set: QuestionSet) -> QuestionSet:
    """A DRAFT copy of the published ``question_set`` (its questions, options and standard
    answers) numbered one more than the family's last version. Refused with
    ``DraftExistsError`` (holding the draft) when the family has a draft already."""
    try:
        with transaction.atomic():
            policy.require(actor, Action.NETWORK_ADMINISTER)
            source = QuestionSet.objects.select_for_update().get(pk=question_set.pk)
            draft = QuestionSet.objects.filter(
                family=source.family, status=QuestionSet.Status.DRAFT
            ).first()
            if draft is not None:
                raise DraftExistsError(draft)
            if source.status != QuestionSet.Status.PUBLISHED:
                raise ApplicationError(
                    _("Only the published version of a question set can get a new version.")
                )
            number = (
                QuestionSet.objects.filter(family=source.family).aggregate(
                    last=Max("version_number")
                )["last"]
                or 1
            ) + 1
            copy = QuestionSet.objects.create(
                code=f"{source.family}-v{number}",
                family=source.family,
                version_number=number,
                status=QuestionSet.Status.DRAFT,
                area_id=source.area_id,
                is_practice=source.is_practice,
                available_until=source.available_until,
                titles=dict(source.titles),
                descriptions=dict(source.descriptions),
                position=source.position,
            )
            _copy_questions(source, copy)
    except IntegrityError:
        # Another draft was made at the same moment: show that one.
        draft = QuestionSet.objects.filter(
            family=question_set.family, status=QuestionSet.Status.DRAFT
        ).first()
        if draft is None:
            raise
        raise DraftExistsError(draft) from None
    return copy


def question_set_discard_draft(*, actor: User, question_set: QuestionSet) -> None:
    """Delete a draft and its questions (a draft is offered to nobody, so no request has it)."""
    with transaction.atomic():
        question_set = _lock_draft(actor, question_set)
        if InformationRequest.objects.filter(question_set=question_set).exists():
            raise ApplicationError(published_never_changes())  # cannot happen: never offered
        questions = Question.objects.filter(question_set=question_set)
        Question.standard_answers.through.objects.filter(question__in=questions).delete()
        questions.delete()
        question_set.delete()


def question_set_translate(
    *,
    actor: User,
    question_set: QuestionSet,
    language: str,
    title: str = "",
    description: str = "",
    questions: Mapping[int, Mapping[str, Any]] | None = None,
) -> QuestionSet:
    """Write a draft's texts in one language other than English: ``questions`` maps a
    question's pk to ``{"text": ..., "help": ..., "choices": {index: text}}``. An empty text
    removes that language's text."""
    with transaction.atomic():
        question_set = _lock_draft(actor, question_set)
        if language == english() or language not in {code for code, _n in settings.LANGUAGES}:
            raise ApplicationError(_("Choose a language of the installation other than English."))
        question_set.titles = _with(question_set.titles, language, title, TITLE_MAX)
        question_set.descriptions = _with(
            question_set.descriptions, language, description, DESCRIPTION_MAX
        )
        question_set.save(update_fields=["titles", "descriptions", "updated_at"])
        rows = list(
            Question.objects.select_for_update().filter(
                question_set=question_set, pk__in=list((questions or {}).keys())
            )
        )
        for question in rows:
            given = (questions or {})[question.pk]
            question.texts = _with(question.texts, language, given.get("text", ""), QUESTION_MAX)
            question.help = _with(question.help, language, given.get("help", ""), HELP_MAX)
            choice_texts = given.get("choices") or {}
            question.choices = [
                {
                    **choice,
                    "texts": _with(
                        choice.get("texts") or {},
                        language,
                        choice_texts.get(index, ""),
                        CHOICE_MAX,
                    ),
                }
                for index, choice in enumerate(question.choices)
            ]
        Question.objects.bulk_update(rows, ["texts", "help", "choices"])
    return question_set


# --- its questions ---------------------------------------------------------------------------


def question_add(
    *,
    actor: User,
    question_set: QuestionSet,
    code: str,
    answer_type: str,
    texts: Texts,
    help: Texts | None = None,  # noqa: A002 - the model's field name
    choices: Sequence[Mapping[str, Any]] = (),
    standard_answers: Iterable[StandardAnswer] = (),
) -> Question:
    """Add a question at the end of a draft."""
    with transaction.atomic():
        question_set = _lock_draft(actor, question_set)
        code = _check_code(code, QUESTION_CODE_MAX, field="code")
        if question_set.questions.filter(code=code).exists():
            raise ApplicationError(
                _("This set has a question with this code already. Choose another code."),
                field="code",
            )
        last = question_set.questions.aggregate(last=Max("position"))["last"] or 0
        question = Question.objects.create(
            question_set=question_set,
            code=code,
            **_question_fields(answer_type, texts, help or {}, choices),
            position=last + 1,
        )
        question.standard_answers.set(list(standard_answers))
    return question


def question_update(
    *,
    actor: User,
    question: Question,
    code: str,
    answer_type: str,
    texts: Texts,
    help: Texts | None = None,  # noqa: A002 - the model's field name
    choices: Sequence[Mapping[str, Any]] = (),
    standard_answers: Iterable[StandardAnswer] = (),
) -> Question:
    """Change a question of a draft."""
    with transaction.atomic():
        _lock_draft(actor, question.question_set)
        question = Question.objects.select_for_update().get(pk=question.pk)
        code = _check_code(code, QUESTION_CODE_MAX, field="code")
        if (
            Question.objects.filter(question_set_id=question.question_set_id, code=code)
            .exclude(pk=question.pk)
            .exists()
        ):
            raise ApplicationError(
                _("This set has a question with this code already. Choose another code."),
                field="code",
            )
        fields = _question_fields(answer_type, texts, help or {}, choices)
        question.code = code
        for name, value in fields.items():
            setattr(question, name, value)
        question.save(update_fields=["code", *fields])
        question.standard_answers.set(list(standard_answers))
    return question


def question_remove(*, actor: User, question: Question) -> None:
    """Remove a question from a draft (and close the gap in the order)."""
    with transaction.atomic():
        question_set = _lock_draft(actor, question.question_set)
        Question.standard_answers.through.objects.filter(question_id=question.pk).delete()
        Question.objects.filter(pk=question.pk, question_set=question_set).delete()
        _renumber(list(question_set.questions.order_by("position", "pk")))


def question_move(*, actor: User, question: Question, up: bool) -> None:
    """Move a question of a draft one place up (``up``) or down; at either end nothing moves."""
    with transaction.atomic():
        question_set = _lock_draft(actor, question.question_set)
        questions = list(question_set.questions.order_by("position", "pk"))
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(questions):
            questions[index], questions[other] = questions[other], questions[index]
        _renumber(questions)


# --- helpers ---------------------------------------------------------------------------------


def _lock_draft(actor: User, question_set: QuestionSet) -> QuestionSet:
    policy.require(actor, Action.NETWORK_ADMINISTER)
    question_set = QuestionSet.objects.select_for_update().get(pk=question_set.pk)
    if question_set.status != QuestionSet.Status.DRAFT:
        raise ApplicationError(published_never_changes())
    return question_set


def _renumber(questions: list[Question]) -> None:
    changed = []
    for position, question in enumerate(questions, start=1):
        if question.position != position:
            question.position = position
            changed.append(question)
    Question.objects.bulk_update(changed, ["position"])


def _next_position(area: LegislativeArea) -> int:
    last = QuestionSet.objects.filter(area=area).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _check_code(code: str, max_length: int, *, field: str) -> str:
    code = (code or "").strip()
    if not code:
        raise ApplicationError(_("Enter a code."), field=field)
    if len(code) > max_length:
        raise ApplicationError(
            _("The code can be at most %(max)d characters long.") % {"max": max_length},
            field=field,
        )
    if not _CODE.match(code):
        raise ApplicationError(
            _("A code holds only letters a to z, digits, hyphens and underscores."),
            field=field,
        )
    return code


def _texts(texts: Texts, max_length: int, *, field: str, required: bool = False) -> dict:
    """Texts by installation language, stripped, the empty ones left out."""
    languages = {code for code, _name in settings.LANGUAGES}
    clean = {}
    for language, text in texts.items():
        if language not in languages:
            raise ApplicationError(_("Unknown language %(code)s.") % {"code": language})
        text = (text or "").strip()
        if len(text) > max_length:
            raise ApplicationError(
                _("A text can be at most %(max)d characters long.") % {"max": max_length},
                field=field,
            )
        if any(ord(char) < 32 and char not in "\n\r\t" for char in text):
            raise ApplicationError(_("The text holds control characters."), field=field)
        if text:
            clean[language] = text
    if required and english() not in clean:
        raise ApplicationError(_("Enter the text in English."), field=field)
    return clean


def _with(texts: Mapping[str, str], language: str, text: str, max_length: int) -> dict:
    """``texts`` with ``language``'s text set to ``text`` (removed when empty)."""
    clean = _texts({language: text}, max_length, field="texts")
    result = {code: value for code, value in texts.items() if code != language}
    result.update(clean)
    return result


def _question_fields(
    answer_type: str, texts: Texts, help_texts: Texts, choices: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    if answer_type not in Question.AnswerType.values:
        raise ApplicationError(_("Choose an answer type."), field="answer_type")
    clean_choices = []
    if answer_type == Question.AnswerType.CHOICE:
        codes = set()
        for choice in choices:
            code = _check_code(str(choice.get("code") or ""), QUESTION_CODE_MAX, field="choices")
            if code in codes:
                raise ApplicationError(
                    _("Two options have the code %(code)s.") % {"code": code}, field="choices"
                )
            codes.add(code)
            clean_choices.append(
                {
                    "code": code,
                    "texts": _texts(
                        choice.get("texts") or {}, CHOICE_MAX, field="choices", required=True
                    ),
                }
            )
        if len(clean_choices) < 2:
            raise ApplicationError(
                _("A choice question needs at least two options."), field="choices"
            )
    return {
        "answer_type": answer_type,
        "texts": _texts(texts, QUESTION_MAX, field="texts", required=True),
        "help": _texts(help_texts, HELP_MAX, field="help"),
        "choices": clean_choices,
        "is_active": True,
    }


def _copy_questions(source: QuestionSet, copy: QuestionSet) -> None:
    questions = list(
        source.questions.filter(is_active=True)
        .prefetch_related("standard_answers")
        .order_by("position", "pk")
    )
    copies = Question.objects.bulk_create(
        [
            Question(
                question_set=copy,
                code=question.code,
                answer_type=question.answer_type,
                texts=dict(question.texts),
                help=dict(question.help),
                choices=[dict(choice) for choice in question.choices],
                position=position,
                is_active=True,
            )
            for position, question in enumerate(questions, start=1)
        ]
    )
    through = Question.standard_answers.through
    through.objects.bulk_create(
        [
            through(question_id=new.pk, standardanswer_id=answer.pk)
            for old, new in zip(questions, copies, strict=True)
            for answer in old.standard_answers.all()
        ]
    )
