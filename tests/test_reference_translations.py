"""What the other side reads exists in every language (issue 18, "Done when"): each question,
answer option, standard answer, question set title and description, legislative area, keyword,
NACE section and division and policy area has a text in every language of settings.LANGUAGES,
in the fixtures and in the database after ``load_reference``; every fixed choice of the code is
a gettext string; and where a text is missing (a language added later) the reader gets English,
never a blank."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

import openimi
from openimi.authorities.models import EconomicSector, Keyword, LegislativeArea, PolicyArea
from openimi.authorities.reference import ReferenceDataError
from openimi.common import catalogues
from openimi.exchange.models import Question, QuestionSet, StandardAnswer
from openimi.exchange.reference import load_question_sets, required_languages
from tests.factories import LegislativeAreaFactory

SRC = Path(openimi.__file__).resolve().parent


def _languages():
    from django.conf import settings

    return [code for code, _ in settings.LANGUAGES]


@pytest.mark.parametrize("language", _languages())
def test_every_reference_text_of_the_fixtures_is_in_the_language(language):
    missing = catalogues.reference_problems(language)
    assert not missing, f"{len(missing)} texts lack {language}:\n" + "\n".join(missing[:30])


def test_a_missing_reference_text_is_named_by_its_key(tmp_path):
    fixture = tmp_path / "areas.json"
    fixture.write_text(
        json.dumps(
            {
                "items": [
                    {"code": "a", "names": {"en": "Services", "nl": "Diensten"}},
                    {"code": "b", "names": {"en": "Professional qualifications", "nl": " "}},
                ]
            }
        )
    )
    assert catalogues.reference_problems("nl", [fixture], root=tmp_path) == [
        "areas.json:/items/1/names has no nl text ('Professional qualifications')"
    ]


def _database_texts():
    """(what, texts) for every translated text of the loaded reference data."""
    for model in (LegislativeArea, Keyword, EconomicSector, PolicyArea):
        for row in model.objects.all():
            yield f"{model.__name__} {row.code}", row.names
    for answer in StandardAnswer.objects.all():
        yield f"standard answer {answer.code}", answer.texts
    for question_set in QuestionSet.objects.all():
        yield f"question set {question_set.code} title", question_set.titles
        if question_set.descriptions:
            yield f"question set {question_set.code} description", question_set.descriptions
    for question in Question.objects.select_related("question_set"):
        where = f"question {question.question_set.code}/{question.code}"
        yield where, question.texts
        if question.help:
            yield f"{where} help", question.help
        for choice in question.choices:
            yield f"{where} option {choice['code']}", choice["texts"]


@pytest.mark.django_db
def test_every_reference_text_in_the_database_is_in_every_language():
    call_command("load_reference", stdout=io.StringIO())
    texts = list(_database_texts())
    kinds = {what.split()[0] for what, _ in texts}
    assert {"LegislativeArea", "Keyword", "EconomicSector", "PolicyArea", "standard"} <= kinds
    assert any(" option " in what for what, _ in texts), "no answer option was read"
    missing = [
        f"{what} lacks {language}"
        for what, by_language in texts
        for language in _languages()
        if not (by_language.get(language) or "").strip()
    ]
    assert not missing, "\n".join(missing[:30])


@pytest.mark.django_db
def test_the_loader_asks_for_every_language_of_the_installation(settings, tmp_path):
    from tests.exchange.conftest import SAMPLE

    LegislativeAreaFactory(code="services")
    LegislativeAreaFactory(code="professional_qualifications")
    settings.LANGUAGES = [("en", "English"), ("nl", "Nederlands"), ("el", "Ελληνικά")]
    assert required_languages() == ["en", "nl", "el"]
    folder = tmp_path / "sets"
    folder.mkdir()
    (folder / "sample.json").write_text(json.dumps(SAMPLE), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="lacks el"):
        load_question_sets(directory=folder)


@pytest.mark.django_db
def test_a_reader_whose_language_lacks_a_text_reads_english_never_a_blank():
    area = LegislativeAreaFactory(
        code="services", names={"en": "Services", "nl": "Diensten", "el": ""}
    )
    with translation.override("el"):
        assert area.name == "Services"
    with translation.override("pl"):
        assert area.name == "Services"
    with translation.override("nl"):
        assert area.name == "Diensten"


# --- fixed choices are gettext strings -----------------------------------------------------------


def _choices_classes():
    seen, to_visit = [], list(models.Choices.__subclasses__())
    while to_visit:
        cls = to_visit.pop()
        to_visit.extend(cls.__subclasses__())
        if cls.__module__.startswith("openimi.") and cls.__members__:
            seen.append(cls)
    return seen


def test_every_choice_of_the_models_is_marked_for_translation():
    unmarked = []
    for model in apps.get_models():
        if not model.__module__.startswith("openimi."):
            continue
        for model_field in model._meta.get_fields():
            for value, label in getattr(model_field, "flatchoices", None) or []:
                if not isinstance(label, Promise):
                    unmarked.append(f"{model.__name__}.{model_field.name}: {value!r} {label!r}")
    unmarked += [
        f"{cls.__module__}.{cls.__qualname__}.{member.name}"
        for cls in _choices_classes()
        for member in cls
        if not isinstance(member.label, Promise)
    ]
    assert not unmarked, "labels not marked with gettext_lazy:\n" + "\n".join(unmarked)
    assert len(_choices_classes()) >= 15  # the walk found the choices of the code


def test_the_rejection_grounds_are_translated():
    from openimi.exchange.models import InformationRequest

    with translation.override("nl"):
        labels = [str(label) for label in InformationRequest.RejectionReason.labels]
    with translation.override("en"):
        english = [str(label) for label in InformationRequest.RejectionReason.labels]
    assert len(labels) == 2 and all(labels) and labels != english


def _literal_choice_labels(path: Path, root: Path = SRC):
    """Labels written as plain strings in a ``choices=[(value, "label"), …]`` literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.keyword) or node.arg != "choices":
            continue
        if not isinstance(node.value, ast.List | ast.Tuple):
            continue
        for item in node.value.elts:
            if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                label = item.elts[1]
                if isinstance(label, ast.Constant) and isinstance(label.value, str):
                    yield f"{path.relative_to(root)}:{label.lineno}: {label.value!r}"


def test_no_choice_list_of_the_code_has_an_unmarked_label():
    found = [
        hit
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        for hit in _literal_choice_labels(path)
    ]
    assert not found, "\n".join(found)


def test_an_unmarked_literal_choice_label_is_found(tmp_path):
    sample = tmp_path / "forms.py"
    sample.write_text('X = dict(choices=[("a", "Plain"), ("b", _("Marked"))])\n')
    assert list(_literal_choice_labels(sample, tmp_path)) == ["forms.py:1: 'Plain'"]
