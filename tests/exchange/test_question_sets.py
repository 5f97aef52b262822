"""The question-set loader: the fixture format, idempotency, and the shipped fixtures."""

from __future__ import annotations

import copy
import io

import pytest
from django.core.management import call_command

from openimi.authorities.reference import ReferenceDataError
from openimi.exchange.models import Question, QuestionSet, StandardAnswer
from openimi.exchange.reference import fixture_files, load_question_sets
from tests.exchange.conftest import SAMPLE, write_sample
from tests.factories import LegislativeAreaFactory


@pytest.fixture
def areas(db):
    LegislativeAreaFactory(code="services")
    LegislativeAreaFactory(code="professional_qualifications")


def load(tmp_path, data=None):
    return load_question_sets(directory=write_sample(tmp_path / "sets", data))


def test_loads_the_sample(areas, tmp_path):
    counts = load(tmp_path)
    assert (counts["standard_answers"].created, counts["question_sets"].created) == (2, 2)
    assert (counts["questions"].created, counts["questions"].updated) == (7, 0)
    sample = QuestionSet.objects.get(code="services-sample")
    assert sample.area.code == "services" and not sample.is_practice and sample.version == "test.1"
    assert QuestionSet.objects.get(code="services-practice").is_practice
    choice = sample.questions.get(code="S-03")
    assert choice.answer_type == Question.AnswerType.CHOICE
    assert choice.choice_codes() == ["bv", "nv"]
    assert choice.choice_text("nv", "nl") == "NV"
    first = sample.questions.get(code="S-01")
    assert set(first.standard_answers.values_list("code", flat=True)) == {
        "data_protection",
        "not_competent",
    }
    assert first.texts["nl"] == "Is het ingeschreven?"
    assert (
        StandardAnswer.objects.get(code="data_protection")
        .texts["en"]
        .startswith("Given our data protection rules")
    )


def test_loading_again_changes_nothing(areas, tmp_path):
    load(tmp_path)
    counts = load(tmp_path)
    assert all(c.created == 0 and c.updated == 0 for c in counts.values()), counts
    assert Question.objects.count() == 7


def test_loading_puts_edited_rows_back_and_follows_the_fixture(areas, tmp_path):
    load(tmp_path)
    Question.objects.filter(code="S-01").update(texts={"en": "Tampered"})
    changed = copy.deepcopy(SAMPLE)
    questions = changed["question_sets"][0]["questions"]
    questions[0]["standard_answers"] = ["data_protection"]
    del questions[-1]  # S-06 leaves the set
    counts = load(tmp_path, changed)
    assert counts["questions"].updated >= 2
    s01 = Question.objects.get(code="S-01")
    assert s01.texts["en"] == "Is it registered?"
    assert list(s01.standard_answers.values_list("code", flat=True)) == ["data_protection"]
    # A question that left its set is kept for the requests that asked it, but not offered.
    assert not Question.objects.get(code="S-06").is_active


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["question_sets"][0].update(area="taxes"), "unknown area"),
        (
            lambda d: d["question_sets"][0]["questions"][0].update(standard_answers=["maybe"]),
            "unknown standard answers",
        ),
        (
            lambda d: d["question_sets"][0]["questions"][0].update(answer_type="essay"),
            "answer type",
        ),
        (lambda d: d["question_sets"][0]["questions"][2].update(choices=[]), "without choices"),
        (lambda d: d["question_sets"][0]["questions"][0]["texts"].pop("nl"), "lacks nl"),
        # English is the source the sample fills the other languages from: all of them lack.
        (lambda d: d["question_sets"][0]["titles"].pop("en"), r"lacks (\w\w, )*en\b"),
        (
            lambda d: d["question_sets"][0]["questions"].append(
                copy.deepcopy(d["question_sets"][0]["questions"][0])
            ),
            "twice",
        ),
        (lambda d: d["question_sets"].append(copy.deepcopy(d["question_sets"][1])), "twice"),
        (lambda d: d.pop("version"), "version"),
        (lambda d: d["question_sets"][1].update(available_until="30/06/2027"), "date like"),
    ],
)
def test_malformed_fixtures_are_refused_whole(areas, tmp_path, change, message):
    data = copy.deepcopy(SAMPLE)
    change(data)
    with pytest.raises(ReferenceDataError, match=message):
        load(tmp_path, data)
    assert not QuestionSet.objects.exists()


def test_a_practice_set_may_carry_its_last_day(areas, tmp_path):
    data = copy.deepcopy(SAMPLE)
    data["question_sets"][1]["available_until"] = "2027-06-30"
    load(tmp_path, data)
    practice = QuestionSet.objects.get(code="services-practice")
    assert practice.available_until.isoformat() == "2027-06-30"
    assert QuestionSet.objects.get(code="services-sample").available_until is None


def test_an_empty_folder_loads_nothing(areas, tmp_path):
    counts = load_question_sets(directory=tmp_path / "nothing")
    assert sum(c.items for c in counts.values()) == 0


@pytest.mark.skipif(not fixture_files(), reason="no question-set fixtures shipped yet")
def test_load_reference_loads_the_shipped_question_sets(db):
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "question_sets:" in out.getvalue()
    assert QuestionSet.objects.filter(is_practice=True).exists()
    assert QuestionSet.objects.filter(area__code="services", is_practice=False).exists()
    data_protection = StandardAnswer.objects.get(code="data_protection")
    assert data_protection.texts["en"].startswith("Given our data protection rules")
    assert data_protection.texts["nl"].startswith("Gelet op onze regels")
    for question in Question.objects.all():
        assert question.texts.get("en") and question.texts.get("nl"), question.code
    before = Question.objects.count()
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    lines = [
        line
        for line in out.getvalue().splitlines()
        if line.startswith(("standard_answers:", "question_sets:", "questions:"))
    ]
    assert len(lines) == 3
    assert all("0 created, 0 updated" in line for line in lines), lines
    assert Question.objects.count() == before
