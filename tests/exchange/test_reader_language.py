"""Lists of countries and languages read in the reader's language: sorted by the names the
reader sees (never by code, nor by code points, which put "IJsland" before "Ierland" and
"Österreich" after "Zweden"), and no English empty option on a Dutch page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from openimi.authorities.models import Language
from openimi.common.i18n import sorted_by_name
from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import State
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db

# Country names are CLDR's (the rows' own ``names`` are not read); that lower case sorts among
# the capitals is test_sorted_by_name_follows_the_dictionary's.
COUNTRIES = {
    "AT": {"en": "Austria", "nl": "Oostenrijk"},
    "BE": {"en": "Belgium", "nl": "België"},
    "IE": {"en": "Ireland", "nl": "Ierland"},
    "IS": {"en": "Iceland", "nl": "IJsland"},
    "IT": {"en": "Italy", "nl": "Italië"},
    "SE": {"en": "Sweden", "nl": "Zweden"},
    "EE": {"en": "Estonia", "nl": "Estland"},
}
LANGUAGES = {
    "bg": {"en": "Bulgarian", "nl": "Bulgaars"},
    "cs": {"en": "Czech", "nl": "Tsjechisch"},
    "el": {"en": "Greek", "nl": "Grieks"},
    "en": {"en": "English", "nl": "Engels"},
    "es": {"en": "Spanish", "nl": "Spaans"},
    "fr": {"en": "French", "nl": "Frans"},
    "ga": {"en": "Irish", "nl": "Iers"},
}
EXPECTED_COUNTRIES = {
    "en": [
        "Austria",
        "Belgium",
        "Estonia",
        "Germany",
        "Iceland",
        "Ireland",
        "Italy",
        "Netherlands",
        "Sweden",
    ],
    "nl": [
        "België",
        "Duitsland",
        "Estland",
        "Ierland",
        "IJsland",
        "Italië",
        "Nederland",
        "Oostenrijk",
        "Zweden",
    ],
}


@pytest.fixture
def reference(world):
    for code, names in COUNTRIES.items():
        CountryFactory(code=code, names=names)
    for code, names in LANGUAGES.items():
        Language.objects.update_or_create(
            code=code, defaults={"names": names, "native_name": names["en"]}
        )


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    return [
        re.sub(r"\s+", " ", text).strip()
        for value, text in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select[1])
        if value
    ]


def _get(client, user, url, language):
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.text


def test_sorted_by_name_follows_the_dictionary():
    names = ["Zweden", "Österreich", "IJsland", "Ierland", "italië", "Éire", "België"]
    assert sorted_by_name(names) == [
        "België",
        "Éire",
        "Ierland",
        "IJsland",
        "italië",
        "Österreich",
        "Zweden",
    ]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_country_filters_are_sorted_by_name(client, world, reference, language):
    handler = world["handler"]
    for url in (reverse("exchange:list"), reverse("authorities:search")):
        assert (
            _options(_get(client, handler, url, language), "country")
            == (EXPECTED_COUNTRIES[language])
        ), url


@pytest.mark.parametrize("language", ["en", "nl"])
def test_service_provider_country_is_sorted_by_name(
    client, world, reference, make_request, language
):
    draft = make_request()
    url = reverse("exchange:compose_step", args=[draft.pk, "provider"])
    page = _get(client, world["handler"], url, language)
    assert _options(page, "country") == EXPECTED_COUNTRIES[language]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_language_lists_are_sorted_by_name(client, world, reference, make_request, language):
    names = {code: names[language] for code, names in LANGUAGES.items()}
    names |= {"nl": {"en": "Dutch", "nl": "Nederlands"}[language]}
    names |= {"de": {"en": "German", "nl": "Duits"}[language]}
    draft = make_request()
    url = reverse("exchange:compose_step", args=[draft.pk, "justification"])
    options = _options(_get(client, world["handler"], url, language), "justification_language")
    assert options == sorted_by_name(names.values())
    assert options[:2] == (["Bulgarian", "Czech"] if language == "en" else ["Bulgaars", "Duits"])

    manage = _get(client, world["lda"], reverse("authorities:manage"), language)
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>', manage)
    translations = [row for row in rows if row in names.values()]
    own = names["nl"]  # the authority's own language has no translation row
    assert translations == [name for name in sorted_by_name(names.values()) if name != own]


def test_no_english_empty_option_on_a_dutch_page(client, world, reference, make_request):
    draft = make_request()
    url = reverse("exchange:compose_step", args=[draft.pk, "provider"])
    dutch = _get(client, world["handler"], url, "nl")
    assert "Select an option" not in dutch
    assert '<option value="" selected>- Kies een optie -</option>' in dutch
    english = _get(client, world["handler"], url, "en")
    assert '<option value="" selected>- Select an option -</option>' in english


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("en", "7 Dec 2026", "7 December 2026"), ("nl", "7-12-2026", "7 december 2026")],
)
def test_request_pages_show_dates_day_first(client, world, make_request, language, short, long):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    InformationRequest.objects.filter(pk=info_request.pk).update(
        sent_at=dt.datetime(2026, 12, 7, 9, 15, tzinfo=dt.UTC),
        reply_by=dt.date(2026, 12, 7),
    )
    handler = world["handler"]
    listing = _get(client, handler, reverse("exchange:outgoing"), language)
    assert listing.count(short) == 2  # sent on, reply by
    detail = _get(client, handler, reverse("exchange:detail", args=[info_request.pk]), language)
    assert long in detail
    for page in (listing, detail):
        assert "12/07/2026" not in page and "Dec. 7" not in page
