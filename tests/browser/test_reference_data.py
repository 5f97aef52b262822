"""Reference data as the network administrator uses it (issue 19): create a legislative area
and a keyword, export a question set to Excel, change a Dutch text, import it back and see
what changes before it is saved. Pages pass axe."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from openimi.authorities.models import Keyword, LegislativeArea
from openimi.exchange.models import Question, QuestionSet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(services_area):
    question_set = QuestionSet.objects.create(
        code="registration",
        area=services_area,
        titles={"en": "Registration", "nl": "Registratie"},
    )
    Question.objects.create(
        question_set=question_set,
        code="q1",
        answer_type="yes_no",
        texts={"en": "Is the provider registered?", "nl": "Is de dienstverrichter ingeschreven?"},
    )
    return question_set


def test_areas_keywords_and_a_question_set_file(
    page, live_server, login_as, network_admin, published, tmp_path, axe_violations
):
    login_as(network_admin)
    page.goto(live_server.url + "/network/reference/")
    heading = "Legislative areas, keywords and policy areas"
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Add a legislative area").click()
    page.get_by_label("Code").fill("transport")
    page.get_by_label("Name in English").fill("Road transport")
    page.get_by_label("Name in Dutch (optional)").fill("Wegvervoer")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("The legislative area Road transport has been created.")
    ).to_be_visible()
    assert LegislativeArea.objects.get(code="transport").names["nl"] == "Wegvervoer"

    page.get_by_role("link", name="Road transport").click()
    page.get_by_role("link", name="Add a keyword").click()
    page.get_by_label("Code").fill("tachographs")
    page.get_by_label("Name in English").fill("Tachographs")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The keyword Tachographs has been added.")).to_be_visible()
    assert Keyword.objects.filter(area__code="transport", code="tachographs").exists()
    assert axe_violations(page) == []

    page.goto(live_server.url + "/network/reference/question-sets/")
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel registration").click()
    exported = tmp_path / "registration.xlsx"
    download.value.save_as(exported)

    workbook = load_workbook(exported)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    dutch = header.index("Dutch (nl)")
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "question.q1.text":
            row[dutch].value = "Staat de dienstverrichter ingeschreven?"
    changed = tmp_path / "registration-nl.xlsx"
    out = io.BytesIO()
    workbook.save(out)
    changed.write_bytes(out.getvalue())

    page.get_by_role("link", name="Import a file").click()
    assert axe_violations(page) == []
    page.get_by_label("Question set file").set_input_files(str(changed))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="What the file changes")).to_be_visible()
    expect(page.get_by_text("version 2 (registration-v2)")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Dutch")).to_be_visible()
    assert axe_violations(page) == []
    assert not QuestionSet.objects.filter(code="registration-v2").exists()

    page.get_by_role("button", name="Import").click()
    expect(
        page.get_by_text("The file has been imported into the draft registration-v2.")
    ).to_be_visible()
    draft = QuestionSet.objects.get(code="registration-v2")
    assert draft.status == QuestionSet.Status.DRAFT
    assert draft.questions.get(code="q1").texts["nl"] == "Staat de dienstverrichter ingeschreven?"
    assert published.questions.get(code="q1").texts["nl"] == "Is de dienstverrichter ingeschreven?"
