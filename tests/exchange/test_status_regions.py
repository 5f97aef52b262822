"""The searches' status region, from the server (issue 15, item 19; the browser side is in
tests/browser/test_status_messages.py): an htmx search answers the new text of the region
that stays on the page (an out-of-band swap of its contents), in the user's language."""

import re

import pytest
from django.urls import reverse

from openimi.exchange import services

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Target": "recipient-results"}


def _status(html, region_id):
    found = re.search(rf'<div id="{region_id}" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert found, html
    return found.group(1).strip()


@pytest.fixture
def recipient_url(world):
    draft = services.request_create_draft(
        actor=world["handler"], area=world.area, question_set=world.question_set
    )
    return reverse("exchange:compose_step", args=[draft.pk, "recipient"])


def test_the_recipient_search_answers_its_count(client, world, recipient_url):
    client.force_login(world["handler"])
    html = client.get(recipient_url, {"q": "Köln"}, headers=HTMX).content.decode()
    assert _status(html, "recipient-status") == "1 authority matches"
    # The full page has the region, empty: nothing is announced on arrival.
    page = client.get(recipient_url).content.decode()
    assert '<div id="recipient-status" class="govuk-visually-hidden" role="status"></div>' in page


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "No authority matches. Try fewer words."),
        ("nl", "Geen autoriteit gevonden. Probeer minder woorden."),
    ],
)
def test_a_recipient_search_without_a_match_says_so(client, world, recipient_url, language, text):
    user = world["handler"]
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    query = {"q": "Zzyzx\x07 ∅ " + "ж" * 300}  # text from the wild
    headers = {**HTMX, "Accept-Language": language}
    html = client.get(recipient_url, query, headers=headers).content.decode()
    assert _status(html, "recipient-status") == text
    assert text in html.split('<div id="recipient-status"')[0]  # also on the page itself


def test_the_authority_search_answers_its_count(client, world):
    client.force_login(world["handler"])
    headers = {"HX-Request": "true", "HX-Target": "search-results"}
    url = reverse("authorities:search")
    html = client.get(url, {"q": "Köln"}, headers=headers).content.decode()
    assert _status(html, "search-status") == "1 authority found"
    html = client.get(url, {"q": "Zzyzx"}, headers=headers).content.decode()
    assert _status(html, "search-status") == (
        "No authority matches. Try fewer words or fewer filters."
    )
