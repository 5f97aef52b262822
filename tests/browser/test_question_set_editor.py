"""The question set editor in the browser (issue 19): the network administrator writes a set
with two questions in English, Dutch and German, publishes it and makes version 2; each page
passes axe."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from openimi.exchange.models import QuestionSet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/openimi-question-sets")

TEXTS = {
    "nl": ("Detachering van werknemers", "Is de werknemer gedetacheerd?", "Sinds wanneer?"),
    "de": ("Entsendung von Arbeitnehmern", "Ist der Arbeitnehmer entsandt?", "Seit wann?"),
}


def test_network_administrator_writes_publishes_and_versions_a_set(
    page, live_server, login_as, axe_violations, network_admin, services_area
):
    login_as(network_admin)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/requests/question-sets/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Question sets")
    assert axe_violations(page) == []
    page.get_by_role("button", name="New question set").click()

    page.get_by_label("Legislative area").select_option(label=services_area.name)
    page.get_by_label("Code").fill("posting-of-workers")
    page.get_by_label("Title in English").fill("Posting of workers")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The question set is saved as a draft.")).to_be_visible()

    for code, answer_type, text in (
        ("Q-01", "Yes or no", "Is the worker posted?"),
        ("Q-02", "Date", "Since when?"),
    ):
        page.get_by_role("button", name="Add a question").click()
        page.get_by_label("Code").fill(code)
        page.get_by_label(answer_type, exact=True).check()
        page.get_by_label("Question in English").fill(text)
        if code == "Q-01":
            assert axe_violations(page) == []
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(f"Question {code} is added.")).to_be_visible()

    page.get_by_role("button", name="Move up question Q-02").click()
    expect(page.get_by_text("Question Q-02 moved up.")).to_be_visible()
    page.get_by_role("button", name="Move down question Q-02").click()

    for language, (title, first, second) in TEXTS.items():
        page.get_by_role("link", name=f"Translate into {_name(language)}").click()
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Question Q-01").fill(first)
        page.get_by_label("Question Q-02").fill(second)
        assert axe_violations(page) == []
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("are saved")).to_be_visible()
    translations = page.get_by_role("table", name="Translations")
    for language in ("en", *TEXTS):
        expect(translations.get_by_role("row", name=_name(language))).to_contain_text("Complete")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "draft.png"), full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish this question set?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 1 is published")).to_be_visible()

    page.get_by_role("button", name="Make a new version").click()
    expect(page.get_by_text("Version 2 is a draft copy of the published version.")).to_be_visible()
    expect(page.get_by_text("Is the worker posted?")).to_be_visible()
    assert axe_violations(page) == []

    versions = dict(
        QuestionSet.objects.filter(family="posting-of-workers").values_list(
            "version_number", "status"
        )
    )
    assert versions == {1: QuestionSet.Status.PUBLISHED, 2: QuestionSet.Status.DRAFT}
    v1 = QuestionSet.objects.get(code="posting-of-workers")
    assert v1.titles == {"en": "Posting of workers", "nl": TEXTS["nl"][0], "de": TEXTS["de"][0]}


def _name(language: str) -> str:
    from django.conf import settings

    return str(dict(settings.LANGUAGES)[language])
