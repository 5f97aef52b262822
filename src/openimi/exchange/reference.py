"""Question sets from versioned fixtures, loaded by ``openimi load_reference`` (DESIGN rule 6).

Every ``fixtures/question_sets/*.json`` file holds::

    {"version": "2026.1",
     "standard_answers": [{"code": ..., "texts": {"en": ..., "nl": ...}}],
     "question_sets": [{"code": ..., "area": <legislative area code>, "is_practice": false,
                        "available_until": <optional ISO date, the last day it can be chosen>,
                        "titles": {...}, "descriptions": {...},
                        "questions": [{"code": ..., "answer_type": ..., "texts": {...},
                                       "help": {...}, "standard_answers": [<codes>],
                                       "choices": [{"code": ..., "texts": {...}}]}]}]}

The fixtures are the first data loaded into an empty installation, not the only way to have
question sets: the network administrator writes and versions them in the product
(``exchange.services.question_sets``). A set is therefore created when it is missing and
updated only while its family has no version made in the product (no later version, no
draft, no set the product wrote); otherwise the loader leaves the family alone and says so.

Loading upserts by code (standard answers and sets by their code, questions by set and code)
in one transaction and writes only what differs: running it twice changes nothing. Every text
needs each language of ``settings.LANGUAGES`` (a reader must never meet a question in a
language other than their own; tests/test_reference_translations.py checks the fixtures) and
may hold more. Nothing is deleted, because
requests point at the questions they asked: a question that left its set's list is marked
inactive (no longer offered), and a set that left every file is left as it is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.db import models, transaction

from openimi.authorities.models import LegislativeArea
from openimi.authorities.reference import ReferenceDataError
from openimi.common import content_cache
from openimi.exchange.models import Question, QuestionSet, StandardAnswer

FIXTURE_PACKAGE = "openimi.exchange"
FIXTURE_DIR = "fixtures/question_sets"


def required_languages() -> list[str]:
    """Every language a user can choose: each must read every question in their own."""
    return [code for code, _name in settings.LANGUAGES]


Item = dict[str, Any]


@dataclass
class Counts:
    items: int = 0
    created: int = 0
    updated: int = 0
    # Families the loader left alone because the product made versions of them.
    left_alone: list[str] = field(default_factory=list)


@dataclass
class _Fixtures:
    versions: list[str] = field(default_factory=list)
    standard_answers: list[Item] = field(default_factory=list)
    question_sets: list[tuple[str, Item]] = field(default_factory=list)  # (version, set)


def fixture_files(directory: Path | None = None) -> list[Any]:
    """The fixture files in name order: from ``directory``, or from the installed package."""
    root = directory if directory is not None else resources.files(FIXTURE_PACKAGE) / FIXTURE_DIR
    if not root.is_dir():
        return []
    return sorted(
        (entry for entry in root.iterdir() if entry.name.endswith(".json")),
        key=lambda entry: entry.name,
    )


def load_question_sets(
    *, directory: Path | None = None, stdout: TextIO | None = None
) -> dict[str, Counts]:
    """Upsert the standard answers, question sets and questions of every fixture file."""
    fixtures = _read(fixture_files(directory))
    with transaction.atomic():
        content_cache.changed(directory=True)  # question set titles on every list
        counts = {
            "standard_answers": _load_standard_answers(fixtures.standard_answers),
            **_load_sets(fixtures.question_sets),
        }
    if stdout is not None:
        versions = ", ".join(sorted(set(fixtures.versions))) or "none"
        for kind, count in counts.items():
            stdout.write(
                f"{kind}: {count.items} (version {versions}; {count.created} created, "
                f"{count.updated} updated)\n"
            )
        for family in counts["question_sets"].left_alone:
            stdout.write(
                f"question set {family}: left as it is (its versions are managed in openimi)\n"
            )
    return counts


def _read(files: Iterable[Any]) -> _Fixtures:
    fixtures = _Fixtures()
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except ValueError as error:
            raise ReferenceDataError(f"{file.name} is not valid JSON: {error}") from error
        version = data.get("version")
        answers, sets = data.get("standard_answers", []), data.get("question_sets", [])
        if not isinstance(version, str) or not isinstance(answers, list):
            raise ReferenceDataError(
                f"{file.name} needs a 'version' and a 'standard_answers' list."
            )
        if not isinstance(sets, list):
            raise ReferenceDataError(f"{file.name}: 'question_sets' must be a list.")
        fixtures.versions.append(version)
        fixtures.standard_answers += answers
        fixtures.question_sets += [(version, item) for item in sets]
    return fixtures


def _texts(item: Item, key: str, where: str, *, required: bool = True) -> dict[str, str]:
    texts = item.get(key) or {}
    if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
        raise ReferenceDataError(f"{where}: '{key}' must map language codes to texts.")
    missing = [lang for lang in required_languages() if not (texts.get(lang) or "").strip()]
    if required and missing:
        raise ReferenceDataError(f"{where}: '{key}' lacks {', '.join(missing)}.")
    return texts


def _date(item: Item, key: str, where: str) -> dt.date | None:
    """An optional ISO date (``"2027-06-30"``)."""
    value = item.get(key)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ReferenceDataError(f"{where}: '{key}' must be a date like 2027-06-30.") from None


def _code(item: Item, where: str) -> str:
    code = item.get("code")
    if not isinstance(code, str) or not code:
        raise ReferenceDataError(f"{where}: an item lacks its 'code'.")
    return code


def _load_standard_answers(items: list[Item]) -> Counts:
    rows: dict[str, Item] = {}
    for index, item in enumerate(items, start=1):
        code = _code(item, "standard_answers")
        row = {
            "code": code,
            "texts": _texts(item, "texts", f"standard answer {code}"),
            "position": int(item.get("position", index)),
        }
        if code in rows and rows[code] != row:
            raise ReferenceDataError(f"Standard answer {code} is given twice, differently.")
        rows[code] = row
    return _upsert(StandardAnswer, ("code",), list(rows.values()))


def families_made_in_product() -> set[str]:
    """The families with a version made in the product: a later version, a draft, or a set no
    fixture wrote (its ``version`` is empty). The loader leaves them alone."""
    return set(
        QuestionSet.objects.filter(
            models.Q(version_number__gt=1)
            | models.Q(status=QuestionSet.Status.DRAFT)
            | models.Q(version="")
        ).values_list("family", flat=True)
    )


def _load_sets(items: list[tuple[str, Item]]) -> dict[str, Counts]:
    areas = dict(LegislativeArea.objects.values_list("code", "pk"))
    standard = dict(StandardAnswer.objects.values_list("code", "pk"))
    made = families_made_in_product()
    left_alone = sorted({item.get("code") for _version, item in items} & made)
    items = [(version, item) for version, item in items if item.get("code") not in made]
    set_rows, seen = [], set()
    for index, (version, item) in enumerate(items, start=1):
        code = _code(item, "question_sets")
        if code in seen:
            raise ReferenceDataError(f"Question set {code} appears twice.")
        seen.add(code)
        if item.get("area") not in areas:
            raise ReferenceDataError(f"Question set {code} names unknown area {item.get('area')}.")
        if not item.get("questions"):
            raise ReferenceDataError(f"Question set {code} has no questions.")
        set_rows.append(
            {
                "code": code,
                "family": code,
                "version_number": 1,
                "area_id": areas[item["area"]],
                "is_practice": bool(item.get("is_practice", False)),
                "available_until": _date(item, "available_until", f"question set {code}"),
                "titles": _texts(item, "titles", f"question set {code}"),
                "descriptions": _texts(
                    item, "descriptions", f"question set {code}", required=False
                ),
                "version": version,
                "status": QuestionSet.Status.PUBLISHED,
                "is_active": True,
                "position": int(item.get("position", index)),
            }
        )
    set_counts = _upsert(QuestionSet, ("code",), set_rows)
    set_counts.left_alone = left_alone
    set_ids = dict(QuestionSet.objects.filter(code__in=seen).values_list("code", "pk"))
    question_rows, links = [], {}
    for _version, item in items:
        set_id = set_ids[item["code"]]
        codes = set()
        for position, question in enumerate(item["questions"], start=1):
            where = f"question {item['code']}/{question.get('code')}"
            code = _code(question, where)
            if code in codes:
                raise ReferenceDataError(f"{where} appears twice in its set.")
            codes.add(code)
            question_rows.append(_question_row(question, set_id, position, where))
            unknown = set(question.get("standard_answers", [])) - set(standard)
            if unknown:
                raise ReferenceDataError(
                    f"{where} names unknown standard answers {sorted(unknown)}."
                )
            links[(set_id, code)] = {standard[c] for c in question.get("standard_answers", [])}
    existed = set(Question.objects.values_list("question_set_id", "code"))
    question_counts = _upsert(Question, ("question_set_id", "code"), question_rows)
    # A set's question list is stated in full: questions that left it are no longer offered.
    for _version, item in items:
        listed = [question["code"] for question in item["questions"]]
        retired = Question.objects.filter(question_set_id=set_ids[item["code"]], is_active=True)
        question_counts.updated += retired.exclude(code__in=listed).update(is_active=False)
    relinked = _link_standard_answers(links)
    question_counts.updated += len(relinked & existed)  # new questions count as created only
    return {"question_sets": set_counts, "questions": question_counts}


def _question_row(question: Item, set_id: int, position: int, where: str) -> Item:
    answer_type = question.get("answer_type")
    if answer_type not in Question.AnswerType.values:
        raise ReferenceDataError(f"{where} has unknown answer type {answer_type}.")
    choices = question.get("choices") or []
    if answer_type == Question.AnswerType.CHOICE and not choices:
        raise ReferenceDataError(f"{where} is a choice question without choices.")
    clean_choices = []
    for choice in choices:
        choice_code = _code(choice, where)
        clean_choices.append(
            {"code": choice_code, "texts": _texts(choice, "texts", f"{where} {choice_code}")}
        )
    return {
        "question_set_id": set_id,
        "code": question["code"],
        "answer_type": answer_type,
        "texts": _texts(question, "texts", where),
        "help": _texts(question, "help", where, required=False),
        "choices": clean_choices,
        "position": int(question.get("position", position)),
        "is_active": True,
    }


def _link_standard_answers(links: dict[tuple[int, str], set[int]]) -> set[tuple[int, str]]:
    """Make each question's standard answers exactly the fixture's; returns the keys of the
    questions whose standard answers changed."""
    question_ids = {
        (set_id, code): pk
        for set_id, code, pk in Question.objects.filter(
            question_set_id__in={set_id for set_id, _ in links}
        ).values_list("question_set_id", "code", "pk")
    }
    through = Question.standard_answers.through
    current: dict[int, set[int]] = {}
    for question_id, answer_id in through.objects.filter(
        question_id__in=question_ids.values()
    ).values_list("question_id", "standardanswer_id"):
        current.setdefault(question_id, set()).add(answer_id)
    changed: set[tuple[int, str]] = set()
    add = []
    for key, wanted in links.items():
        question_id = question_ids[key]
        have = current.get(question_id, set())
        if have == wanted:
            continue
        changed.add(key)
        add += [
            through(question_id=question_id, standardanswer_id=pk) for pk in sorted(wanted - have)
        ]
        if have - wanted:
            through.objects.filter(
                question_id=question_id, standardanswer_id__in=have - wanted
            ).delete()
    through.objects.bulk_create(add)
    return changed


def _upsert(model: type[models.Model], key: tuple[str, ...], rows: list[Item]) -> Counts:
    """Create missing rows and update those that differ (only the fields that differ)."""
    manager = model._default_manager
    existing = {tuple(getattr(obj, f) for f in key): obj for obj in manager.all()}
    new, changed, changed_fields = [], [], set()
    for row in rows:
        obj = existing.get(tuple(row[f] for f in key))
        if obj is None:
            new.append(model(**row))
            continue
        diff = [name for name, value in row.items() if getattr(obj, name) != value]
        for name in diff:
            setattr(obj, name, row[name])
        if diff:
            changed.append(obj)
            changed_fields.update(diff)
    manager.bulk_create(new)
    if changed:
        manager.bulk_update(changed, sorted(changed_fields))
    return Counts(items=len(rows), created=len(new), updated=len(changed))
