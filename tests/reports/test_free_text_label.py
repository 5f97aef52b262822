"""A free text carries one label wherever it is shown: on the answer form, on the request page
and in the full report ("Answer" where the free text is the answer, "Explanation" beside a
typed answer), in English and in Dutch."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from openimi.exchange import services
from openimi.exchange.workflow import State
from openimi.reports import documents
from tests.exchange.conftest import answer_all
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db

FREE_TEXT = "Building work."  # the sample answer of the free-text question S-05
EXPLANATION = "Registered since 2001."  # given beside the yes/no answer of S-01
EXPECTED = {
    "en": {"S-05": "Answer", "S-01": "Explanation"},
    "nl": {"S-05": "Antwoord", "S-01": "Toelichting"},
}


@pytest.fixture
def answered(world, make_request):
    info_request = make_request(State.ACCEPTED)
    responder = world["resp_handler"]
    answer_all(world, info_request, responder)
    asked = {rq.question.code: rq for rq in info_request.request_questions.all()}
    services.answer_save(
        info_request=info_request,
        actor=responder,
        request_question=asked["S-01"],
        value="yes",
        free_text=EXPLANATION,
        free_text_language="en",
    )
    services.request_answer(info_request=info_request, actor=responder)
    return info_request, asked


def _form_label(client, info_request, request_question, language) -> str:
    url = reverse("exchange:answer", args=[info_request.pk, request_question.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
    label = re.search(r'<label[^>]*for="id_free_text"[^>]*>(.*?)</label>', page, re.S)
    assert label, "the answer form has no free-text box"
    return re.sub(r"<[^>]+>.*", "", label[1], flags=re.S).strip()


def _page_label(page: str, text: str) -> str:
    """The summary-list key of the row that shows ``text``."""
    rows = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt>(.*?)</div>', page, re.S)
    labels = [key.strip() for key, value in rows if text in value]
    assert len(labels) == 1, labels
    return labels[0]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_free_text_has_the_same_label_on_form_page_and_report(client, world, answered, language):
    info_request, asked = answered
    expected = EXPECTED[language]
    # the answer form, as the responding handler sees it after a follow-up question
    services.request_ask_follow_up(
        info_request=info_request, actor=world["handler"], text="One more thing.", language="en"
    )
    client.force_login(world["resp_handler"])
    for code in ("S-05", "S-01"):
        assert _form_label(client, info_request, asked[code], language) == expected[code]
    # the request page
    client.force_login(world["handler"])
    page = client.get(
        reverse("exchange:detail", args=[info_request.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).text
    assert _page_label(page, FREE_TEXT) == expected["S-05"]
    assert _page_label(page, EXPLANATION) == expected["S-01"]
    # the full report
    report = docx_text(
        documents.full_report(info_request=info_request, actor=world["handler"], language=language)
    )
    original = {"en": "original text", "nl": "oorspronkelijke tekst"}[language]
    english = {"en": "English", "nl": "Engels"}[language]  # the language's name, from CLDR
    assert f"{expected['S-05']} ({original}, {english})\n{FREE_TEXT}" in report
    assert f"{expected['S-01']} ({original}, {english})\n{EXPLANATION}" in report
