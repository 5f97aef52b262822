"""Importing a question set file (issue 19): what it would change (the preview) and the write.

A family with a draft: the draft is updated (JSON: structure and texts; XLSX: texts only,
matched by key). A family whose latest version is published (or replaced): a new draft version
n+1 (code ``<family>-v<n>``) holds the file's content. An unknown family (JSON only): a draft
version 1. A published or superseded row is never changed, and nothing is written when the
file has any error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.actions import Action
from openimi.authorities.models import LegislativeArea
from openimi.common import content_cache
from openimi.exchange import question_set_files as files
from openimi.exchange.models import Question, QuestionSet, StandardAnswer

if TYPE_CHECKING:
    from openimi.accounts.models import User


@dataclass
class LanguageChanges:
    language: str
    added: int = 0
    changed: int = 0
    removed: int = 0


@dataclass
class ImportPlan:
    """What applying a file would do."""

    content: files.Content
    family: str
    # "update_draft", "new_version" or "new_set"
    outcome: str
    version_number: int
    target_code: str
    draft_pk: int | None = None
    questions_added: list[str] = field(default_factory=list)
    questions_removed: list[str] = field(default_factory=list)
    languages: list[LanguageChanges] = field(default_factory=list)

    @property
    def changes_nothing(self) -> bool:
        return (
            self.outcome == "update_draft"
            and not self.questions_added
            and not self.questions_removed
            and not self.languages
        )


def read_upload(*, name: str, data: bytes) -> files.Content | tuple[str, dict[str, files.Texts]]:
    """The file's content (JSON) or its code and texts (XLSX)."""
    if name.lower().endswith(".xlsx"):
        return files.xlsx_read(data)
    return files.json_read(data)


def import_plan(*, actor: User, data: files.Content | tuple[str, dict]) -> ImportPlan:
    """What importing ``data`` (from :func:`read_upload`) would change; raises
    ``QuestionSetFileError`` listing every problem."""
    policy.require(actor, Action.NETWORK_ADMINISTER)
    errors: list[str] = []
    if isinstance(data, tuple):
        code, texts = data
        known = QuestionSet.objects.filter(code=code).first()
        if known is None:
            raise files.QuestionSetFileError(
                [
                    _(
                        "No question set has the code %(code)s: an Excel file can only bring "
                        "the texts of a set that exists. Import its JSON file first."
                    )
                    % {"code": code}
                ]
            )
        family = known.family
        base_row = _draft(family) or _latest(family)
        assert base_row is not None
        content, unknown = files.with_texts(files.set_content(base_row), texts)
        errors += [
            _("Unknown key %(key)s: the set has no such text.") % {"key": k} for k in unknown
        ]
    else:
        content, family = data, data["family"]
    if not LegislativeArea.objects.filter(code=content["area"]).exists():
        errors.append(_("No legislative area has the code %(code)s.") % {"code": content["area"]})
    named = {code for question in content["questions"] for code in question["standard_answers"]}
    missing = named - set(
        StandardAnswer.objects.filter(code__in=named).values_list("code", flat=True)
    )
    if missing:
        errors.append(
            _("Unknown standard answers: %(codes)s.") % {"codes": ", ".join(sorted(missing))}
        )
    if errors:
        raise files.QuestionSetFileError(errors)
    draft, latest = _draft(family), _latest(family)
    if draft is not None:
        plan = ImportPlan(content, family, "update_draft", draft.version_number, draft.code)
        plan.draft_pk = draft.pk
        base = files.set_content(draft)
    elif latest is not None:
        number = latest.version_number + 1
        plan = ImportPlan(content, family, "new_version", number, f"{family}-v{number}")
        base = files.set_content(latest)
    else:
        plan = ImportPlan(content, family, "new_set", 1, family)
        base = None
    others = QuestionSet.objects.filter(code=plan.target_code)
    if plan.draft_pk is not None:
        others = others.exclude(pk=plan.draft_pk)
    if others.exists():
        raise files.QuestionSetFileError(
            [
                _("A question set with the code %(code)s exists already.")
                % {"code": plan.target_code}
            ]
        )
    _compare(plan, base)
    return plan


def _draft(family: str) -> QuestionSet | None:
    return QuestionSet.objects.filter(family=family, status=QuestionSet.Status.DRAFT).first()


def _latest(family: str) -> QuestionSet | None:
    return QuestionSet.objects.filter(family=family).order_by("-version_number").first()


def _compare(plan: ImportPlan, base: files.Content | None) -> None:
    before = dict(files.text_keys(base)) if base is not None else {}
    after = dict(files.text_keys(plan.content))
    old_questions = [q["code"] for q in base["questions"]] if base is not None else []
    new_questions = [q["code"] for q in plan.content["questions"]]
    plan.questions_added = [code for code in new_questions if code not in old_questions]
    plan.questions_removed = [code for code in old_questions if code not in new_questions]
    for language in files.languages():
        change = LanguageChanges(language)
        for key in before.keys() | after.keys():
            old, new = before.get(key, {}).get(language), after.get(key, {}).get(language)
            if old == new:
                continue
            if old is None:
                change.added += 1
            elif new is None:
                change.removed += 1
            else:
                change.changed += 1
        if change.added or change.changed or change.removed:
            plan.languages.append(change)


def import_apply(*, actor: User, data: files.Content | tuple[str, dict]) -> QuestionSet:
    """Write what :func:`import_plan` shows, in one transaction; returns the draft."""
    with transaction.atomic():
        policy.require(actor, Action.NETWORK_ADMINISTER)
        plan = import_plan(actor=actor, data=data)
        content = plan.content
        area = LegislativeArea.objects.get(code=content["area"])
        values = {
            "area": area,
            "is_practice": content["is_practice"],
            "available_until": content["available_until"],
            "titles": content["titles"],
            "descriptions": content["descriptions"],
        }
        if plan.draft_pk is not None:
            draft = QuestionSet.objects.select_for_update().get(pk=plan.draft_pk)
            if draft.status != QuestionSet.Status.DRAFT:
                raise files.QuestionSetFileError([_("The draft was published meanwhile.")])
            for name, value in values.items():
                setattr(draft, name, value)
            draft.save(update_fields=[*values, "updated_at"])
        else:
            try:
                with transaction.atomic():
                    draft = QuestionSet.objects.create(
                        code=plan.target_code,
                        family=plan.family,
                        version_number=plan.version_number,
                        status=QuestionSet.Status.DRAFT,
                        is_active=True,
                        position=_position(plan.family),
                        **values,
                    )
            except IntegrityError:
                raise files.QuestionSetFileError(
                    [_("Someone else made a draft of this question set meanwhile.")]
                ) from None
        _write_questions(draft, content["questions"])
        content_cache.changed(directory=True)
    return draft


def _position(family: str) -> int:
    latest = _latest(family)
    return latest.position if latest is not None else 0


def _write_questions(draft: QuestionSet, questions: list[dict]) -> None:
    existing = {q.code: q for q in Question.objects.filter(question_set=draft)}
    answers = dict(StandardAnswer.objects.values_list("code", "pk"))
    for position, item in enumerate(questions, start=1):
        question = existing.pop(item["code"], None) or Question(
            question_set=draft, code=item["code"]
        )
        question.answer_type = item["answer_type"]
        question.texts = item["texts"]
        question.help = item["help"]
        question.choices = item["choices"]
        question.position = position
        question.is_active = True
        question.save()
        question.standard_answers.set([answers[code] for code in item["standard_answers"]])
    for question in existing.values():
        try:
            with transaction.atomic():
                question.delete()
        except ProtectedError:  # a request points at it: kept, no longer offered
            question.is_active = False
            question.save(update_fields=["is_active"])
