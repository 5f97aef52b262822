"""Question sets as files (issue 19): export to JSON and XLSX, import back into a draft or a new
draft version, the preview, and files that are refused without writing anything."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from openimi.common.errors import PermissionDenied
from openimi.exchange import question_set_files as files
from openimi.exchange.models import Question, QuestionSet, StandardAnswer
from openimi.network.services import question_set_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(services_area):
    refusal = StandardAnswer.objects.create(
        code="data-protection", texts={"en": "We cannot answer.", "nl": "Wij kunnen niet."}
    )
    question_set = QuestionSet.objects.create(
        code="registration",
        area=services_area,
        status=QuestionSet.Status.PUBLISHED,
        titles={"en": "Registration", "nl": "Registratie"},
        descriptions={"en": "About the register."},
    )
    first = Question.objects.create(
        question_set=question_set,
        code="q1",
        answer_type="yes_no",
        texts={"en": "Is the provider registered?", "nl": "Is de dienstverrichter ingeschreven?"},
        help={"en": "In the trade register."},
        position=1,
    )
    first.standard_answers.add(refusal)
    Question.objects.create(
        question_set=question_set,
        code="q2",
        answer_type="choice",
        texts={"en": "Which register?", "el": "Ποιο μητρώο;"},
        choices=[
            {"code": "trade", "texts": {"en": "Trade register", "nl": "Handelsregister"}},
            {"code": "other", "texts": {"en": "Another register"}},
        ],
        position=2,
    )
    return question_set


def _upload(name: str, data: bytes):
    return SimpleUploadedFile(name, data)


def _export(client, question_set, kind):
    url = reverse("network:reference-question-set-export", args=[question_set.pk, kind])
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def _import(client, name, data):
    url = reverse("network:reference-question-set-import")
    preview = client.post(url, {"file": _upload(name, data)})
    assert preview.status_code == 200
    return preview


def _apply(client, preview):
    url = reverse("network:reference-question-set-import")
    return client.post(url, {"payload": preview.context["payload"]}, follow=True)


def test_json_export_is_the_fixture_format(client, network_admin, published):
    client.force_login(network_admin)
    data = json.loads(_export(client, published, "json"))
    assert set(data) == {"version", "standard_answers", "question_sets"}
    (item,) = data["question_sets"]
    assert item["code"] == "registration"
    assert item["area"] == "services"
    assert [q["code"] for q in item["questions"]] == ["q1", "q2"]
    assert data["standard_answers"] == [
        {"code": "data-protection", "texts": {"en": "We cannot answer.", "nl": "Wij kunnen niet."}}
    ]


def test_json_round_trip_makes_a_new_draft_equal_to_the_original(client, network_admin, published):
    client.force_login(network_admin)
    exported = _export(client, published, "json")
    preview = _import(client, "registration.json", exported)
    plan = preview.context["plan"]
    assert (plan.outcome, plan.target_code, plan.version_number) == (
        "new_version",
        "registration-v2",
        2,
    )
    assert plan.languages == []
    response = _apply(client, preview)
    assert "The file has been imported into the draft registration-v2." in response.content.decode()
    draft = QuestionSet.objects.get(code="registration-v2")
    assert (draft.status, draft.family, draft.version_number) == ("draft", "registration", 2)
    original, copy = files.set_content(published), files.set_content(draft)
    assert {**copy, "code": "registration"} == original
    published.refresh_from_db()
    assert published.status == QuestionSet.Status.PUBLISHED


def test_xlsx_round_trip_equals_the_original(client, network_admin, published):
    client.force_login(network_admin)
    exported = _export(client, published, "xlsx")
    code, texts = files.xlsx_read(exported)
    assert code == "registration"
    assert dict(files.text_keys(files.set_content(published))) == texts
    preview = _import(client, "registration.xlsx", exported)
    assert preview.context["plan"].languages == []
    _apply(client, preview)
    draft = QuestionSet.objects.get(code="registration-v2")
    assert {**files.set_content(draft), "code": "registration"} == files.set_content(published)


def test_xlsx_header_is_in_the_readers_language(client, network_admin, published):
    client.force_login(network_admin)
    exported = _export(client, published, "xlsx")
    sheet = load_workbook(io.BytesIO(exported)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Key", "English (en)", "Bulgarian (bg)"]
    assert "Dutch (nl)" in header
    client.post(reverse("set_language"), {"language": "nl"})
    sheet = load_workbook(io.BytesIO(_export(client, published, "xlsx"))).active
    assert "Nederlands (nl)" in [cell.value for cell in sheet[1]]


def _changed_xlsx(data: bytes, key: str, language: str, text: str) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = next(i for i, title in enumerate(header) if title.endswith(f"({language})"))
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == key:
            row[column].value = text
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_with_a_changed_dutch_text_updates_the_draft(client, network_admin, published):
    client.force_login(network_admin)
    exported = _export(client, published, "xlsx")
    _apply(client, _import(client, "registration.xlsx", exported))  # draft v2
    changed = _changed_xlsx(exported, "question.q1.text", "nl", "Staat hij ingeschreven?")
    preview = _import(client, "registration.xlsx", changed)
    plan = preview.context["plan"]
    assert (plan.outcome, plan.target_code) == ("update_draft", "registration-v2")
    assert [(c.language, c.added, c.changed, c.removed) for c in plan.languages] == [
        ("nl", 0, 1, 0)
    ]
    assert "Dutch" in preview.content.decode()
    _apply(client, preview)
    draft = QuestionSet.objects.get(code="registration-v2")
    assert draft.questions.get(code="q1").texts["nl"] == "Staat hij ingeschreven?"
    assert published.questions.get(code="q1").texts["nl"] == "Is de dienstverrichter ingeschreven?"


def test_a_json_file_of_an_unknown_family_becomes_a_draft_version_one(
    client, network_admin, published
):
    client.force_login(network_admin)
    data = json.loads(_export(client, published, "json"))
    data["question_sets"][0].update(code="permits", family="permits")
    preview = _import(client, "permits.json", json.dumps(data).encode())
    assert preview.context["plan"].outcome == "new_set"
    _apply(client, preview)
    draft = QuestionSet.objects.get(code="permits")
    assert (draft.status, draft.version_number, draft.questions.count()) == ("draft", 1, 2)


def test_json_into_a_draft_changes_its_structure(client, network_admin, published):
    client.force_login(network_admin)
    data = json.loads(_export(client, published, "json"))
    _apply(client, _import(client, "r.json", json.dumps(data).encode()))
    data["question_sets"][0]["questions"].pop()
    data["question_sets"][0]["questions"].append(
        {"code": "q3", "answer_type": "date", "texts": {"en": "Since when?"}}
    )
    preview = _import(client, "r.json", json.dumps(data).encode())
    plan = preview.context["plan"]
    assert (plan.questions_added, plan.questions_removed) == (["q3"], ["q2"])
    _apply(client, preview)
    draft = QuestionSet.objects.get(code="registration-v2")
    assert list(draft.questions.values_list("code", flat=True)) == ["q1", "q3"]


def _refused(client, name, data, message):
    before = (QuestionSet.objects.count(), Question.objects.count())
    response = client.post(
        reverse("network:reference-question-set-import"), {"file": _upload(name, data)}
    )
    assert response.status_code == 200
    assert "payload" not in response.context
    body = response.content.decode()
    assert message in body, body[body.find("govuk-error-summary") :][:1500]
    assert (QuestionSet.objects.count(), Question.objects.count()) == before


def test_malformed_files_are_refused_with_clear_errors(client, network_admin, published):
    client.force_login(network_admin)
    _refused(client, "x.json", b"{not json", "The file is not valid JSON text.")
    _refused(client, "x.json", b'{"question_sets": []}', "exactly one question set")
    _refused(client, "x.xlsx", b"PK\x03\x04 broken", "not a real Excel document")
    _refused(client, "x.txt", b"{}", "Choose a JSON or Excel (.xlsx) file.")
    _refused(client, "x.json", b" " * (5 * 1024 * 1024 + 1), "smaller than 5 MB")


def test_bad_texts_are_listed_and_nothing_is_written(client, network_admin, published):
    client.force_login(network_admin)
    data = json.loads(_export(client, published, "json"))
    questions = data["question_sets"][0]["questions"]
    questions[0]["texts"]["nl"] = "Bell\x07"
    questions[1]["texts"]["el"] = "Ω" * 10_001
    questions[1]["answer_type"] = "poem"
    data["question_sets"][0]["area"] = "nowhere"
    body = json.dumps(data).encode()
    _refused(client, "r.json", body, "The nl text of question q1 holds control characters.")
    _refused(client, "r.json", body, "is longer than 10000 characters")
    _refused(client, "r.json", body, "question q2 has an unknown answer type.")


def test_unknown_xlsx_keys_are_errors(client, network_admin, published):
    client.force_login(network_admin)
    exported = _export(client, published, "xlsx")
    workbook = load_workbook(io.BytesIO(exported))
    workbook.active.append(["question.q9.text", "Nine?"])
    out = io.BytesIO()
    workbook.save(out)
    _refused(client, "r.xlsx", out.getvalue(), "Unknown key question.q9.text")


def test_a_tampered_preview_is_refused(client, network_admin, published):
    client.force_login(network_admin)
    response = client.post(
        reverse("network:reference-question-set-import"), {"payload": "forged"}, follow=True
    )
    assert "The preview has expired" in response.content.decode()
    assert QuestionSet.objects.count() == 1


@pytest.mark.parametrize("who", ["lda", "coordinator_lda", "handler"])
def test_export_and_import_are_the_network_administrators(request, client, who, published):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for kind in ("json", "xlsx"):
        url = reverse("network:reference-question-set-export", args=[published.pk, kind])
        assert client.get(url).status_code == 404
    content = files.set_content(published)
    with pytest.raises(PermissionDenied):
        question_set_import.import_apply(actor=user, data=content)


def test_the_question_set_list_takes_constant_queries(
    client, network_admin, published, django_assert_num_queries
):
    client.force_login(network_admin)
    url = reverse("network:reference-question-sets")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for index in range(4):
        QuestionSet.objects.create(
            code=f"more-{index}", area=published.area, titles={"en": f"More {index}"}
        )
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_every_set_of_the_fixtures_reads_back_as_written(db):
    call_command("load_reference", verbosity=0)
    question_sets = list(QuestionSet.objects.all())
    assert question_sets
    for question_set in question_sets:
        content = files.set_content(question_set)
        assert files.json_read(files.json_write(content, [])) == content
        code, texts = files.xlsx_read(files.xlsx_write(content))
        assert (code, texts) == (question_set.code, dict(files.text_keys(content)))
