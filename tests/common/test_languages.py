"""The 26 interface languages: named in themselves from CLDR, known to Django's language
tags, and GOV.UK Frontend's own texts in each, with each language's plural categories."""

import json
import re

import pytest
from babel import Locale
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info

from openimi.common.frontend_i18n import frontend_config, plural_categories
from openimi.common.i18n import (
    country_name,
    endonym,
    interface_language,
    language_name,
)

EU_AND_EEA = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv is nb"


def test_the_26_languages_each_named_in_itself_from_cldr():
    assert [code for code, _ in settings.LANGUAGES] == EU_AND_EEA.split()
    for code, name in settings.LANGUAGES:
        assert name == Locale.parse(code).get_display_name(code)
    names = dict(settings.LANGUAGES)
    assert names["de"] == "Deutsch"
    assert names["el"] == "Ελληνικά"
    assert names["mt"] == "Malti"


@pytest.mark.parametrize("code", EU_AND_EEA.split())
def test_django_knows_every_language(code):
    """get_language_info and {% get_language_info %} work for each, Maltese too."""
    info = get_language_info(code)
    assert info["code"] == code
    assert info["bidi"] is False
    html = Template(
        "{% load i18n %}{% get_language_info for code as l %}{{ l.name_local }}|{{ l.name }}"
    ).render(Context({"code": code}))
    assert html.split("|")[0]
    assert html.split("|")[1]


def test_names_in_the_readers_language():
    assert country_name("DE", "el") == "Γερμανία"
    assert country_name("gr", "pl") == "Grecja"
    assert language_name("de", "nl") == "Duits"
    assert language_name("mt", "mt") == "Malti"
    assert endonym("bg") == "български"
    with translation.override("de"):
        assert country_name("NL") == "Niederlande"
    assert country_name("XQ", "de", default="Elsewhere") == "Elsewhere"


def test_the_interface_language_of_an_authority_language():
    assert interface_language("de") == "de"
    assert interface_language("ru") == ""
    assert interface_language(None) == ""


@pytest.mark.parametrize(
    ("language", "categories"),
    [
        ("en", {"one", "other"}),
        ("pl", {"one", "few", "many", "other"}),
        ("ga", {"one", "two", "few", "many", "other"}),
        ("mt", {"one", "two", "few", "many", "other"}),
        ("lv", {"zero", "one", "other"}),
        ("fr", {"one", "many", "other"}),
    ],
)
def test_each_language_has_cldr_s_plural_categories(language, categories):
    assert set(plural_categories(language)) == categories
    config = frontend_config(language)["characterCount"]["i18n"]
    for key in ("charactersUnderLimit", "charactersOverLimit", "wordsUnderLimit"):
        assert set(config[key]) == categories
        assert all("%{count}" in text for text in config[key].values())


def test_plural_texts_come_from_the_catalogue_by_a_number_of_each_category():
    assert plural_categories("pl") == {"one": 1, "few": 2, "many": 0, "other": 1_000_000}
    with translation.override("nl"):
        config = frontend_config()["characterCount"]["i18n"]
    assert config["charactersUnderLimit"] == {
        "one": "U hebt nog %{count} teken over",
        "other": "U hebt nog %{count} tekens over",
    }
    assert config["charactersAtLimit"] == "U hebt nog 0 tekens over"
    assert config["textareaDescription"]["other"] == "U kunt maximaal %{count} tekens invoeren"


@pytest.mark.django_db
def test_every_page_hands_the_texts_to_govuk_frontend(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    block = re.search(
        r'<script type="application/json" id="govuk-frontend-config" nonce="([^"]+)">'
        r"(.*?)</script>",
        html,
    )
    assert block and block.group(1)
    config = json.loads(block.group(2))
    assert config["characterCount"]["i18n"]["wordsAtLimit"] == "U hebt nog 0 woorden over"
