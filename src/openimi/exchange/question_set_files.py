"""A question set as a file (issue 19): JSON in the fixture format of
``fixtures/question_sets/*.json`` (one set), and XLSX for translators (one row per text).

Pure reading and writing: nothing here touches the database except to read the set being
written. ``network.services.question_set_import`` decides what an imported file changes.

The content of a set, once read, is a plain dict (:data:`Content`) shaped like a fixture's set::

    {"code", "family", "area", "is_practice", "available_until", "titles", "descriptions",
     "questions": [{"code", "answer_type", "texts", "help", "standard_answers", "choices"}]}

XLSX holds texts only, one row per text, keyed by :func:`text_keys`: ``title``,
``description``, ``question.<code>.text``, ``question.<code>.help`` and
``question.<code>.choice.<code>``; a first row ``question_set`` names the set's code. Columns:
the key, English, then each other language of the installation; the header names them in the
reader's language with the code in brackets (``Dutch (nl)``), and the reader goes by the code.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from openimi.common.archives import ArchiveError, check_office_archive
from openimi.common.errors import ApplicationError
from openimi.common.i18n import language_name
from openimi.common.spreadsheets import xlsx_append
from openimi.common.validators import CONTROL_CHARACTERS
from openimi.exchange.models import Question, QuestionSet, StandardAnswer

Content = dict[str, Any]
Texts = dict[str, str]

FORMAT_VERSION = "export"
MAX_QUESTIONS = 200
MAX_CHOICES = 50
MAX_TEXT_LENGTH = 10_000
MAX_ROWS = 5_000
SET_KEY = "question_set"
CODE = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
HEADER_CODE = re.compile(r"\(([a-z]{2,3}(?:-[a-z]+)?)\)\s*$")


class QuestionSetFileError(ApplicationError):
    """The file cannot be read as a question set; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__(errors[0], field="file")
        self.errors = errors


def languages() -> list[str]:
    """English first, then the other languages of the installation."""
    codes = [code for code, _name in settings.LANGUAGES]
    return ["en", *(code for code in codes if code != "en")]


# --- The content of a set in the database --------------------------------------------------


def set_content(question_set: QuestionSet) -> Content:
    """``question_set`` as a fixture's set (its active questions, in their order)."""
    questions = (
        Question.objects.filter(question_set=question_set, is_active=True)
        .prefetch_related("standard_answers")
        .order_by("position", "code")
    )
    return {
        "code": question_set.code,
        "family": question_set.family,
        "area": question_set.area.code,
        "is_practice": question_set.is_practice,
        "available_until": (
            question_set.available_until.isoformat() if question_set.available_until else None
        ),
        "titles": dict(question_set.titles),
        "descriptions": dict(question_set.descriptions or {}),
        "questions": [
            {
                "code": question.code,
                "answer_type": question.answer_type,
                "texts": dict(question.texts),
                "help": dict(question.help or {}),
                "standard_answers": sorted(a.code for a in question.standard_answers.all()),
                "choices": [
                    {"code": c["code"], "texts": dict(c.get("texts") or {})}
                    for c in question.choices
                ],
            }
            for question in questions
        ],
    }


# --- JSON -----------------------------------------------------------------------------------


def json_write(content: Content, standard_answers: list[dict[str, Any]]) -> bytes:
    """The fixture file of one set, with the standard answers its questions name."""
    data = {
        "version": FORMAT_VERSION,
        "standard_answers": standard_answers,
        "question_sets": [content],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def json_export(question_set: QuestionSet) -> bytes:
    """The JSON file of ``question_set`` (any version) with the standard answers it names."""
    content = set_content(question_set)
    named = {code for question in content["questions"] for code in question["standard_answers"]}
    answers = [
        {"code": answer.code, "texts": answer.texts}
        for answer in StandardAnswer.objects.filter(code__in=named).order_by("position", "code")
    ]
    return json_write(content, answers)


def json_read(data: bytes) -> Content:
    """The one set of a fixture-format file, checked; ``QuestionSetFileError`` otherwise."""
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise QuestionSetFileError([_("The file is not valid JSON text.")]) from None
    sets = parsed.get("question_sets") if isinstance(parsed, dict) else None
    if not isinstance(sets, list) or len(sets) != 1 or not isinstance(sets[0], dict):
        raise QuestionSetFileError(
            [_("The file must hold exactly one question set under 'question_sets'.")]
        )
    return content_check(sets[0])


def content_check(item: dict[str, Any]) -> Content:
    """A set's content, checked and normalised; every problem is listed in the error."""
    errors: list[str] = []
    code = item.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        errors.append(_("The question set needs a code of letters, digits and hyphens."))
        code = ""
    family = item.get("family") or re.sub(r"-v\d+$", "", code)
    if not isinstance(family, str) or not CODE.match(family):
        errors.append(_("The question set's family must be a code of letters and digits."))
    area = item.get("area")
    if not isinstance(area, str) or not area:
        errors.append(_("The question set needs the code of its legislative area."))
    until = item.get("available_until")
    if until not in (None, ""):
        try:
            until = dt.date.fromisoformat(str(until)).isoformat()
        except ValueError:
            errors.append(_("'available_until' must be a date like 2027-06-30."))
    content: Content = {
        "code": code,
        "family": family,
        "area": area,
        "is_practice": bool(item.get("is_practice", False)),
        "available_until": until or None,
        "titles": _texts(item.get("titles"), _("the title"), errors),
        "descriptions": _texts(item.get("descriptions"), _("the description"), errors, False),
        "questions": [],
    }
    questions = item.get("questions")
    if not isinstance(questions, list) or not questions:
        errors.append(_("The question set has no questions."))
        questions = []
    if len(questions) > MAX_QUESTIONS:
        errors.append(
            _("A question set holds at most %(count)d questions.") % {"count": MAX_QUESTIONS}
        )
        questions = []
    seen: set[str] = set()
    for question in questions:
        checked = _question(question, errors)
        if checked is None:
            continue
        if checked["code"] in seen:
            errors.append(_("Question %(code)s appears twice.") % {"code": checked["code"]})
        seen.add(checked["code"])
        content["questions"].append(checked)
    if errors:
        raise QuestionSetFileError(errors)
    return content


def _question(item: Any, errors: list[str]) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        errors.append(_("Each question must be an object with a code."))
        return None
    code = item.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        errors.append(_("Each question needs a code of letters, digits and hyphens."))
        return None
    where = _("question %(code)s") % {"code": code}
    answer_type = item.get("answer_type")
    if answer_type not in Question.AnswerType.values:
        errors.append(_("%(where)s has an unknown answer type.") % {"where": where})
    choices = item.get("choices") or []
    if not isinstance(choices, list) or len(choices) > MAX_CHOICES:
        errors.append(_("%(where)s has too many or malformed choices.") % {"where": where})
        choices = []
    if answer_type == Question.AnswerType.CHOICE and not choices:
        errors.append(_("%(where)s is a choice question without choices.") % {"where": where})
    clean_choices = []
    for choice in choices:
        choice_code = choice.get("code") if isinstance(choice, dict) else None
        if not isinstance(choice_code, str) or not CODE.match(choice_code):
            errors.append(_("%(where)s has a choice without a code.") % {"where": where})
            continue
        choice_where = f"{where}, {choice_code}"
        clean_choices.append(
            {"code": choice_code, "texts": _texts(choice.get("texts"), choice_where, errors)}
        )
    answers = item.get("standard_answers") or []
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        errors.append(_("%(where)s: standard answers must be a list of codes.") % {"where": where})
        answers = []
    return {
        "code": code,
        "answer_type": answer_type,
        "texts": _texts(item.get("texts"), where, errors),
        "help": _texts(item.get("help"), where, errors, False),
        "standard_answers": sorted(set(answers)),
        "choices": clean_choices,
    }


def _texts(value: Any, where: Any, errors: list[str], required: bool = True) -> Texts:
    """Texts per language: only the installation's languages, no control characters, at most
    MAX_TEXT_LENGTH characters each; English required where ``required``."""
    if value in (None, ""):
        value = {}
    if not isinstance(value, dict):
        errors.append(_("The texts of %(where)s must map languages to texts.") % {"where": where})
        return {}
    known = set(languages())
    texts: Texts = {}
    for language, text in value.items():
        if language not in known:
            errors.append(
                _("%(where)s has a text in %(language)s, not a language of this installation.")
                % {"where": where, "language": language}
            )
            continue
        if not isinstance(text, str):
            errors.append(_("The texts of %(where)s must be texts.") % {"where": where})
            continue
        text = text.strip()
        if CONTROL_CHARACTERS.search(text):
            errors.append(
                _("The %(language)s text of %(where)s holds control characters.")
                % {"where": where, "language": language}
            )
        elif len(text) > MAX_TEXT_LENGTH:
            errors.append(
                _("The %(language)s text of %(where)s is longer than %(max)d characters.")
                % {"where": where, "language": language, "max": MAX_TEXT_LENGTH}
            )
        elif text:
            texts[language] = text
    if required and not texts.get("en"):
        errors.append(_("%(where)s needs an English text.") % {"where": where})
    return texts


# --- Texts keyed for XLSX ------------------------------------------------------------------


def text_keys(content: Content) -> Iterator[tuple[str, Texts]]:
    """(key, texts) for every text of a set, in reading order."""
    yield "title", content["titles"]
    yield "description", content["descriptions"]
    for question in content["questions"]:
        yield f"question.{question['code']}.text", question["texts"]
        yield f"question.{question['code']}.help", question["help"]
        for choice in question["choices"]:
            yield f"question.{question['code']}.choice.{choice['code']}", choice["texts"]


def with_texts(content: Content, texts: dict[str, Texts]) -> tuple[Content, list[str]]:
    """A copy of ``content`` whose texts are those of ``texts`` (by key); and the keys of
    ``texts`` the set does not have."""
    copy = json.loads(json.dumps(content))
    slots: dict[str, tuple[dict[str, Any], str]] = {
        "title": (copy, "titles"),
        "description": (copy, "descriptions"),
    }
    for question in copy["questions"]:
        slots[f"question.{question['code']}.text"] = (question, "texts")
        slots[f"question.{question['code']}.help"] = (question, "help")
        for choice in question["choices"]:
            slots[f"question.{question['code']}.choice.{choice['code']}"] = (choice, "texts")
    unknown = [key for key in texts if key not in slots]
    for key, value in texts.items():
        if key in slots:
            owner, field = slots[key]
            owner[field] = value
    return copy, unknown


def xlsx_write(content: Content) -> bytes:
    """One sheet: a header row in the reader's language, then one row per text."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = content["code"][:31]
    codes = languages()
    xlsx_append(sheet, [_("Key"), *(f"{language_name(code) or code} ({code})" for code in codes)])
    xlsx_append(sheet, [SET_KEY, content["code"]])
    for key, texts in text_keys(content):
        xlsx_append(sheet, [key, *(texts.get(code, "") for code in codes)])
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 32
    for column in range(2, len(codes) + 2):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_read(data: bytes) -> tuple[str, dict[str, Texts]]:
    """The set's code and the texts of an XLSX file by key; ``QuestionSetFileError`` lists
    every problem (damaged file, unknown language column, bad text)."""
    from openpyxl import load_workbook

    buffer = io.BytesIO(data)
    try:
        check_office_archive(buffer, ".xlsx")
    except ArchiveError as error:
        raise QuestionSetFileError([error.message]) from None
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
        raise QuestionSetFileError([_("The Excel file cannot be read.")]) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)
    header = next(rows, None) or ()
    errors: list[str] = []
    columns: dict[int, str] = {}
    known = set(languages())
    for index, title in enumerate(header[1:], start=1):
        if title in (None, ""):
            continue
        match = HEADER_CODE.search(str(title))
        if not match or match.group(1) not in known:
            errors.append(
                _("Column %(title)s names no language of this installation.") % {"title": title}
            )
            continue
        columns[index] = match.group(1)
    if "en" not in columns.values():
        errors.append(_("The English column is missing."))
    code = ""
    texts: dict[str, Texts] = {}
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            errors.append(_("The file has more than %(count)d rows.") % {"count": MAX_ROWS})
            break
        if not row or row[0] in (None, ""):
            continue
        key = str(row[0]).strip()
        if key == SET_KEY:
            code = str(row[1] or "").strip() if len(row) > 1 else ""
            continue
        if key in texts:
            errors.append(_("Row %(row)d repeats the key %(key)s.") % {"row": number, "key": key})
            continue
        raw = {
            language: "" if row[index] is None else str(row[index])
            for index, language in columns.items()
            if index < len(row)
        }
        where = _("row %(row)d (%(key)s)") % {"row": number, "key": key}
        required = key == "title" or key.endswith((".text",)) or ".choice." in key
        texts[key] = _texts(raw, where, errors, required)
    workbook.close()
    if not CODE.match(code):
        errors.append(_("The row '%(key)s' with the set's code is missing.") % {"key": SET_KEY})
    if errors:
        raise QuestionSetFileError(errors)
    return code, texts
